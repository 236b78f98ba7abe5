package records

import (
	"context"
	"crypto/ed25519"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
	"github.com/wushe/wushe/service/policy"
)

// Service record certificates (志愿服务记录证明) and hours exports (issue 5,
// items 3 and 7).
//
// Only verified records count, and for each occurrence and volunteer only
// the highest verified version: an edit after verification creates a new
// version, so the older verified one is superseded once the newer one is
// verified too. Each record names who verified it and the committee or
// organisation that certifies it (谁记录谁证明).

// VerifiedHoursFilter selects verified hours records; empty fields do not
// filter. At least one field must be set.
type VerifiedHoursFilter struct {
	VolunteerID   string
	CommunityCode string
	VerifierOrg   string   // "community:<code>" or "organisation:<id>"
	OccurrenceIDs []string // any of these occurrences
	// VerifiedSince keeps versions verified at or after it (the dashboard's
	// figures since its snapshot); zero: any time.
	VerifiedSince time.Time
}

// ServiceRecordStore reads verified hours for certificates and exports.
type ServiceRecordStore interface {
	// VerifiedHours lists every verified version matching f, in no
	// particular order.
	VerifiedHours(ctx context.Context, f VerifiedHoursFilter) ([]*models.HoursRecord, error)
	// EachVerifiedHours streams every verified version of every hours
	// record, in no particular order (the dashboard).
	EachVerifiedHours(ctx context.Context, fn func(*models.HoursRecord) error) error
}

// ServiceRecord is a volunteer's certificate: the statement (records and
// totals) and, when a signing key is configured, its signature.
type ServiceRecord struct {
	Statement models.ServiceStatement
	Signed    *models.SignedStatement // nil when signing is disabled
}

// PublicKey is one key that signs statements.
type PublicKey struct {
	KeyID     string
	Algorithm string
	Key       ed25519.PublicKey
}

// ExportRow is one line of an hours export (志愿服务信息系统 upload).
type ExportRow struct {
	IDNumberMasked       string
	Name                 string
	Date                 string
	Hours                float64
	Activity             string
	VerifierName         string
	VerifierOrganisation string
}

// latestVerified keeps, for each occurrence and volunteer, the verified
// record of the highest version, sorted by date then id. A record made
// before its occurrence started attests nothing and is left out.
func latestVerified(recs []*models.HoursRecord) []*models.HoursRecord {
	best := map[string]*models.HoursRecord{}
	for _, r := range recs {
		if r.Status != models.HoursVerified || r.BeforeItsOccurrence() {
			continue
		}
		k := r.OccurrenceID + "\x00" + r.VolunteerID
		if b, ok := best[k]; !ok || r.Version > b.Version {
			best[k] = r
		}
	}
	out := make([]*models.HoursRecord, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *models.HoursRecord) int {
		if c := strings.Compare(a.Date, b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// recordNames resolves names for records, caching look-ups.
type recordNames struct {
	s          *Service
	needs      map[string]string
	orgs       map[string]string
	volunteers map[string]*models.Volunteer
	accounts   map[string]string
}

func (s *Service) newRecordNames() *recordNames {
	return &recordNames{s: s, needs: map[string]string{}, orgs: map[string]string{},
		volunteers: map[string]*models.Volunteer{}, accounts: map[string]string{}}
}

// activity is the need's title.
func (n *recordNames) activity(ctx context.Context, needID string) (string, error) {
	if t, ok := n.needs[needID]; ok {
		return t, nil
	}
	need, err := n.s.d.Need(ctx, needID)
	switch {
	case core.IsKind(err, models.KindNotFound):
		n.needs[needID] = ""
	case err != nil:
		return "", err
	default:
		n.needs[needID] = need.Title
	}
	return n.needs[needID], nil
}

// organisation is the name of "community:<code>" or "organisation:<id>";
// the reference itself when the name is unknown.
func (n *recordNames) organisation(ctx context.Context, ref string) (string, error) {
	if name, ok := n.orgs[ref]; ok {
		return name, nil
	}
	name := ref
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "community":
		if d, ok := models.LookupDivision(id); ok {
			name = d.Name
		}
	case "organisation":
		o, err := n.s.st.Organisations.Organisation(ctx, id)
		if err != nil && !core.IsKind(err, models.KindNotFound) {
			return "", err
		}
		if err == nil && o.Name != "" {
			name = o.Name
		}
	}
	n.orgs[ref] = name
	return name, nil
}

// volunteer is the volunteer's profile, nil when there is none.
func (n *recordNames) volunteer(ctx context.Context, id string) (*models.Volunteer, error) {
	if v, ok := n.volunteers[id]; ok {
		return v, nil
	}
	v, err := n.s.st.Volunteers.Volunteer(ctx, id)
	if err != nil && !core.IsKind(err, models.KindNotFound) {
		return nil, err
	}
	if err != nil {
		v = nil
	}
	n.volunteers[id] = v
	return v, nil
}

// person is the volunteer's real name, or the account's name, and masked
// ID number ("" without a profile).
func (n *recordNames) person(ctx context.Context, id string) (name, idMasked string, err error) {
	v, err := n.volunteer(ctx, id)
	if err != nil {
		return "", "", err
	}
	if v != nil {
		name, idMasked = v.RealName, models.MaskIDNumber(v.IDNumber)
	}
	if name == "" {
		if an, ok := n.accounts[id]; ok {
			name = an
		} else {
			a, err := n.s.st.Accounts.AccountByID(ctx, id)
			if err != nil && !core.IsKind(err, models.KindNotFound) {
				return "", "", err
			}
			if err == nil {
				name = a.Name
			}
			n.accounts[id] = name
		}
	}
	return name, idMasked, nil
}

// MyServiceRecord builds (and signs, when a key is configured) the caller's
// service record statement from their verified hours. Records of zero hours
// (rounded to 0.01 h) add nothing and are left out.
func (s *Service) MyServiceRecord(ctx context.Context, actor *Actor) (*ServiceRecord, error) {
	recs, err := s.st.ServiceRecords.VerifiedHours(ctx, VerifiedHoursFilter{VolunteerID: actor.AccountID})
	if err != nil {
		return nil, err
	}
	names := s.newRecordNames()
	name, idMasked, err := names.person(ctx, actor.AccountID)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = actor.AccountID
	}
	var out []models.StatementRecord
	for _, r := range latestVerified(recs) {
		if models.RoundHours(r.Hours) <= 0 {
			continue
		}
		activity, err := names.activity(ctx, r.NeedID)
		if err != nil {
			return nil, err
		}
		org, err := names.organisation(ctx, r.VerifierOrg)
		if err != nil {
			return nil, err
		}
		sr := models.StatementRecord{ID: r.ID, Date: r.Date, Hours: r.Hours, Domain: r.Domain, Activity: activity,
			VerifiedBy: r.VerifiedBy, VerifierName: r.VerifierName, VerifierOrganisation: org}
		if r.VerifiedAt != nil {
			sr.VerifiedAt = r.VerifiedAt.UTC()
		}
		out = append(out, sr)
	}
	st := models.NewServiceStatement(models.StatementSubject{AccountID: actor.AccountID, Name: name, IDNumberMasked: idMasked}, out, s.d.Now())
	res := &ServiceRecord{Statement: st}
	if len(s.d.SigningKey) == ed25519.PrivateKeySize {
		signed, err := models.SignStatement(st, s.d.SigningKey, "")
		if err != nil {
			return nil, err
		}
		res.Signed = &signed
	}
	return res, nil
}

// PublicKeys lists the keys that sign statements (none when signing is
// disabled).
func (s *Service) PublicKeys() []PublicKey {
	if len(s.d.SigningKey) != ed25519.PrivateKeySize {
		return nil
	}
	pub := s.d.SigningKey.Public().(ed25519.PublicKey)
	return []PublicKey{{KeyID: models.KeyIDFor(pub), Algorithm: models.StatementAlgorithm, Key: pub}}
}

// VerifyStatement checks a signed statement document against the public
// keys; a models.KindInvalid error names the failing field.
func (s *Service) VerifyStatement(doc []byte) (*models.ServiceStatement, error) {
	keys := map[string]ed25519.PublicKey{}
	for _, k := range s.PublicKeys() {
		keys[k.KeyID] = k.Key
	}
	return models.VerifyStatementJSON(doc, keys)
}

// ExportHours lists the verified hours a committee (of its community),
// civil affairs (of a community in its division) or an org_admin (records
// its organisation certifies) may download. With neither community nor
// organisation, a committee gets its community and an org_admin its
// organisation.
func (s *Service) ExportHours(ctx context.Context, actor *Actor, community, organisation string) ([]ExportRow, error) {
	if community != "" && organisation != "" {
		return nil, models.Invalid("organisation", "社区与机构只能选择其一", "give a community or an organisation, not both")
	}
	if community == "" && organisation == "" {
		if b := actor.Bindings(models.RoleCommunityAdmin); len(b) > 0 {
			community = b[0].CommunityCode
		} else if orgs := actor.Organisations(); len(orgs) > 0 {
			organisation = orgs[0]
		} else {
			return nil, models.Invalid("community", "请指定社区或机构", "give a community or an organisation")
		}
	}
	var recs []*models.HoursRecord
	if community != "" {
		if err := policy.Authorize(actor, "export-hours", policy.InDivision(community)); err != nil {
			return nil, err
		}
		if err := s.d.LimitExpensive(ctx, actor, "hours-export"); err != nil {
			return nil, err
		}
		all, err := s.st.ServiceRecords.VerifiedHours(ctx, VerifiedHoursFilter{CommunityCode: community})
		if err != nil {
			return nil, err
		}
		recs = latestVerified(all)
	} else {
		if !policy.AllowedAs(actor, "export-hours", policy.Object{Orgs: []string{organisation}}, policy.OrgAdmin) {
			return nil, core.ErrForbidden
		}
		if err := s.d.LimitExpensive(ctx, actor, "hours-export"); err != nil {
			return nil, err
		}
		ref := "organisation:" + organisation
		mine, err := s.st.ServiceRecords.VerifiedHours(ctx, VerifiedHoursFilter{VerifierOrg: ref})
		if err != nil {
			return nil, err
		}
		// A later version verified by someone else supersedes the
		// organisation's: decide among every verified version of those
		// occurrences.
		occs := map[string]bool{}
		for _, r := range mine {
			occs[r.OccurrenceID] = true
		}
		var all []*models.HoursRecord
		if len(occs) > 0 {
			ids := make([]string, 0, len(occs))
			for o := range occs {
				ids = append(ids, o)
			}
			slices.Sort(ids)
			if all, err = s.st.ServiceRecords.VerifiedHours(ctx, VerifiedHoursFilter{OccurrenceIDs: ids}); err != nil {
				return nil, err
			}
		}
		for _, r := range latestVerified(all) {
			if r.VerifierOrg == ref {
				recs = append(recs, r)
			}
		}
	}
	return s.exportRows(ctx, recs)
}

// MyHoursExport lists the caller's own verified hours for download.
func (s *Service) MyHoursExport(ctx context.Context, actor *Actor) ([]ExportRow, error) {
	recs, err := s.st.ServiceRecords.VerifiedHours(ctx, VerifiedHoursFilter{VolunteerID: actor.AccountID})
	if err != nil {
		return nil, err
	}
	return s.exportRows(ctx, latestVerified(recs))
}

func (s *Service) exportRows(ctx context.Context, recs []*models.HoursRecord) ([]ExportRow, error) {
	names := s.newRecordNames()
	out := make([]ExportRow, 0, len(recs))
	for _, r := range recs {
		name, idMasked, err := names.person(ctx, r.VolunteerID)
		if err != nil {
			return nil, err
		}
		activity, err := names.activity(ctx, r.NeedID)
		if err != nil {
			return nil, err
		}
		org, err := names.organisation(ctx, r.VerifierOrg)
		if err != nil {
			return nil, err
		}
		out = append(out, ExportRow{IDNumberMasked: idMasked, Name: name, Date: r.Date, Hours: models.RoundHours(r.Hours),
			Activity: activity, VerifierName: r.VerifierName, VerifierOrganisation: org})
	}
	return out, nil
}

// FormatHours writes hours with two decimals ("2.25", "3.00").
func FormatHours(h float64) string { return strconv.FormatFloat(models.RoundHours(h), 'f', 2, 64) }
