package models

import (
	"reflect"
	"testing"
)

func TestCertificateLevelRank(t *testing.T) {
	tests := []struct {
		level CertificateLevel
		rank  int
	}{
		{CertAssistant, 1},
		{CertSocialWorker, 2},
		{CertSenior, 3},
		{"", 0},
		{"Social_Worker", 0},
		{"社会工作师", 0},
	}
	for _, tt := range tests {
		if got := tt.level.Rank(); got != tt.rank {
			t.Errorf("%q.Rank() = %d, want %d", tt.level, got, tt.rank)
		}
		if got := tt.level.Valid(); got != (tt.rank > 0) {
			t.Errorf("%q.Valid() = %v", tt.level, got)
		}
	}
	// The constants are the codes of the certificate_levels vocabulary, in order.
	var codes []string
	for _, term := range CertificateLevels.Terms {
		codes = append(codes, term.Code)
	}
	if want := []string{string(CertAssistant), string(CertSocialWorker), string(CertSenior)}; !reflect.DeepEqual(codes, want) {
		t.Errorf("certificate_levels = %q, want %q", codes, want)
	}
}

func TestCertificateLevelAtLeast(t *testing.T) {
	levels := []CertificateLevel{"", CertAssistant, CertSocialWorker, CertSenior, "unknown"}
	want := map[[2]CertificateLevel]bool{
		{CertAssistant, CertAssistant}:       true,
		{CertSocialWorker, CertAssistant}:    true,
		{CertSenior, CertAssistant}:          true,
		{CertSocialWorker, CertSocialWorker}: true,
		{CertSenior, CertSocialWorker}:       true,
		{CertSenior, CertSenior}:             true,
	}
	for _, held := range levels {
		for _, need := range levels {
			if got := held.AtLeast(need); got != want[[2]CertificateLevel{held, need}] {
				t.Errorf("%q.AtLeast(%q) = %v", held, need, got)
			}
		}
	}
}

// Every certificate held × every post certificate × every grade.
func TestPostGradesAndValidatePostExhaustive(t *testing.T) {
	const mismatch = "post: post title requires the matching certificate"
	tests := []struct {
		held  CertificateLevel
		post  PostTitle
		grade int
		ok    bool
	}{
		{CertAssistant, PostTitle{CertAssistant, 1}, 11, true},
		{CertAssistant, PostTitle{CertAssistant, 2}, 12, true},
		{CertAssistant, PostTitle{CertAssistant, 3}, 13, true},
		{CertAssistant, PostTitle{CertSocialWorker, 1}, 8, false},
		{CertAssistant, PostTitle{CertSocialWorker, 2}, 9, false},
		{CertAssistant, PostTitle{CertSocialWorker, 3}, 10, false},
		{CertAssistant, PostTitle{CertSenior, 1}, 5, false},
		{CertAssistant, PostTitle{CertSenior, 2}, 6, false},
		{CertAssistant, PostTitle{CertSenior, 3}, 7, false},

		{CertSocialWorker, PostTitle{CertAssistant, 1}, 11, true},
		{CertSocialWorker, PostTitle{CertAssistant, 2}, 12, true},
		{CertSocialWorker, PostTitle{CertAssistant, 3}, 13, true},
		{CertSocialWorker, PostTitle{CertSocialWorker, 1}, 8, true},
		{CertSocialWorker, PostTitle{CertSocialWorker, 2}, 9, true},
		{CertSocialWorker, PostTitle{CertSocialWorker, 3}, 10, true},
		{CertSocialWorker, PostTitle{CertSenior, 1}, 5, false},
		{CertSocialWorker, PostTitle{CertSenior, 2}, 6, false},
		{CertSocialWorker, PostTitle{CertSenior, 3}, 7, false},

		{CertSenior, PostTitle{CertAssistant, 1}, 11, true},
		{CertSenior, PostTitle{CertAssistant, 2}, 12, true},
		{CertSenior, PostTitle{CertAssistant, 3}, 13, true},
		{CertSenior, PostTitle{CertSocialWorker, 1}, 8, true},
		{CertSenior, PostTitle{CertSocialWorker, 2}, 9, true},
		{CertSenior, PostTitle{CertSocialWorker, 3}, 10, true},
		{CertSenior, PostTitle{CertSenior, 1}, 5, true},
		{CertSenior, PostTitle{CertSenior, 2}, 6, true},
		{CertSenior, PostTitle{CertSenior, 3}, 7, true},
	}
	if len(tests) != 27 {
		t.Fatalf("%d cases, want 3×3×3", len(tests))
	}
	for _, tt := range tests {
		grade, err := ProfessionalPostGrade(tt.post)
		if err != nil || grade != tt.grade {
			t.Errorf("ProfessionalPostGrade(%v) = %d, %v; want %d", tt.post, grade, err, tt.grade)
		}
		var want []string
		if !tt.ok {
			want = []string{mismatch}
		}
		err = ValidatePost("post", tt.held, tt.post)
		if got := problemList(t, err); !reflect.DeepEqual(got, want) {
			t.Errorf("ValidatePost(%s, %v) problems %q, want %q", tt.held, tt.post, got, want)
		}
		if !tt.ok && err.(*Error).Zh != "岗位等级与所持证书不符" {
			t.Errorf("zh = %q", err.(*Error).Zh)
		}
	}
}

func TestValidatePostBadInput(t *testing.T) {
	const (
		level = "post.level: unknown certificate level (see certificate_levels)"
		grade = "post.grade: post grade must be 1, 2 or 3"
	)
	tests := []struct {
		name string
		held CertificateLevel
		post PostTitle
		want []string
	}{
		{"no certificate", "", PostTitle{CertAssistant, 3}, []string{"post: post title requires the matching certificate"}},
		{"unknown certificate held", "doctor", PostTitle{CertAssistant, 3}, []string{"post: post title requires the matching certificate"}},
		{"grade 0", CertSenior, PostTitle{CertSenior, 0}, []string{grade}},
		{"grade 4", CertSenior, PostTitle{CertSenior, 4}, []string{grade}},
		{"grade -1", CertSenior, PostTitle{CertSenior, -1}, []string{grade}},
		{"unknown post level", CertSenior, PostTitle{"expert", 1}, []string{level}},
		{"empty post", CertSenior, PostTitle{}, []string{level, grade}},
	}
	for _, tt := range tests {
		if got := problemList(t, ValidatePost("post", tt.held, tt.post)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, bad := range []PostTitle{{CertSenior, 0}, {CertSenior, 4}, {"", 1}, {}} {
		if g, err := ProfessionalPostGrade(bad); err == nil || g != 0 {
			t.Errorf("ProfessionalPostGrade(%v) = %d, %v", bad, g, err)
		}
	}
	_, err := ProfessionalPostGrade(PostTitle{CertSenior, 9})
	if got := problemList(t, err); !reflect.DeepEqual(got, []string{"grade: post grade must be 1, 2 or 3"}) {
		t.Errorf("ProfessionalPostGrade field: %q", got)
	}
}

func TestSupervisorLevelFor(t *testing.T) {
	if got := SupervisorLevelFor(true); got != CertSocialWorker {
		t.Errorf("high risk: %s", got)
	}
	if got := SupervisorLevelFor(false); got != CertAssistant {
		t.Errorf("ordinary: %s", got)
	}
	// Who may supervise what, by certificate.
	tests := []struct {
		held             CertificateLevel
		ordinary, danger bool
	}{
		{"", false, false},
		{CertAssistant, true, false},
		{CertSocialWorker, true, true},
		{CertSenior, true, true},
	}
	for _, tt := range tests {
		if got := tt.held.AtLeast(SupervisorLevelFor(false)); got != tt.ordinary {
			t.Errorf("%q supervises ordinary needs: %v", tt.held, got)
		}
		if got := tt.held.AtLeast(SupervisorLevelFor(true)); got != tt.danger {
			t.Errorf("%q supervises high-risk needs: %v", tt.held, got)
		}
	}
}
