package models

// CertificateLevel is a national social-work qualification certificate
// (社会工作者职业水平证书), coded as in the certificate_levels vocabulary.
type CertificateLevel string

const (
	CertAssistant    CertificateLevel = "assistant_social_worker" // 助理社会工作师
	CertSocialWorker CertificateLevel = "social_worker"           // 社会工作师
	CertSenior       CertificateLevel = "senior_social_worker"    // 高级社会工作师
)

// Rank orders the certificates: 1 assistant, 2 social worker, 3 senior;
// 0 for no certificate or an unknown code.
func (l CertificateLevel) Rank() int {
	switch l {
	case CertAssistant:
		return 1
	case CertSocialWorker:
		return 2
	case CertSenior:
		return 3
	}
	return 0
}

// Valid reports whether l is one of the three certificates.
func (l CertificateLevel) Valid() bool { return l.Rank() > 0 }

// AtLeast reports whether l is want or a higher certificate. No
// certificate, or an unknown code on either side, is at least nothing.
func (l CertificateLevel) AtLeast(want CertificateLevel) bool {
	return want.Valid() && l.Rank() >= want.Rank()
}

// PostTitle is a professional post (专业技术岗位), e.g. 社会工作师二级岗位:
// the certificate it calls for and its grade within that certificate,
// 1 (一级, the highest) to 3 (三级).
type PostTitle struct {
	Level CertificateLevel `json:"level"`
	Grade int              `json:"grade"`
}

// Validate checks that the post names a known certificate and a grade 1–3.
func (t PostTitle) Validate(field string) error {
	var p Problems
	if !t.Level.Valid() {
		p.Add(childField(field, "level"), "未知的证书等级（见 certificate_levels）", "unknown certificate level (see certificate_levels)")
	}
	if t.Grade < 1 || t.Grade > 3 {
		p.Add(childField(field, "grade"), "岗位等级须为 1（一级）、2（二级）或 3（三级）", "post grade must be 1, 2 or 3")
	}
	return p.Err()
}

// postGradeBase + PostTitle.Grade is the professional-technical post grade
// (专业技术岗位等级): senior 一/二/三级 → 5/6/7, social worker → 8/9/10,
// assistant → 11/12/13.
var postGradeBase = map[CertificateLevel]int{CertSenior: 4, CertSocialWorker: 7, CertAssistant: 10}

// ProfessionalPostGrade is the professional-technical post grade (5–13,
// lower is higher) of a post title; errors name "level" or "grade".
func ProfessionalPostGrade(t PostTitle) (int, error) {
	if err := t.Validate(""); err != nil {
		return 0, err
	}
	return postGradeBase[t.Level] + t.Grade, nil
}

// ValidatePost checks that a holder of certificate held may fill post.
// The policy says a post may only be filled by a holder of its
// certificate; we read that as a floor, so a holder of a higher
// certificate may fill a lower post (a 社会工作师 in a 助理社会工作师 post),
// the way a post's requirement is met by any qualification above it.
// Someone with no certificate fills no professional post.
func ValidatePost(field string, held CertificateLevel, post PostTitle) error {
	if err := post.Validate(field); err != nil {
		return err
	}
	if !held.AtLeast(post.Level) {
		return Invalid(field, "岗位等级与所持证书不符", "post title requires the matching certificate")
	}
	return nil
}

// SupervisorLevelFor is the lowest certificate a supervising social worker
// must hold (product rule): 社会工作师 for a need in a high-risk domain
// (IsHighRiskDomain), 助理社会工作师 otherwise.
func SupervisorLevelFor(highRisk bool) CertificateLevel {
	if highRisk {
		return CertSocialWorker
	}
	return CertAssistant
}
