package parties

import (
	"context"
	"encoding/json"

	"github.com/wushe/wushe/models"
	"github.com/wushe/wushe/service/core"
)

// Partial updates (PATCH): each use case below hands edit the object as it
// is, in the form its replacing write takes, under the object's lock, and
// saves the result through the same rules as the replacing write. So a
// verified fact that an edit leaves alone stays verified, one it changes
// returns to pending exactly as a replacing write would, and two edits of
// different fields of one object never lose each other.

// errNoProfile answers an edit of a profile that was never saved.
var errNoProfile = models.E(models.KindNotFound, "尚未填写档案，请先用 PUT 填写", "there is no profile yet; create it with PUT")

// EditMyVolunteerProfile edits the caller's existing volunteer profile.
func (s *Service) EditMyVolunteerProfile(ctx context.Context, actor *Actor, edit core.Edit[VolunteerInput]) (*VolunteerView, error) {
	return s.editMyVolunteerProfile(ctx, actor, edit, true)
}

// volunteerInputOf is v as its owner would send it again. The ID number is
// left empty, which keeps the stored one.
func volunteerInputOf(v *models.Volunteer) VolunteerInput {
	maxKm := v.MaxDistanceKm
	return VolunteerInput{RealName: v.RealName, Skills: v.Skills, Credentials: v.Credentials,
		Availability: daysOf(v.Availability), Blackouts: v.Blackouts, Home: v.Home, CommunityCode: v.CommunityCode,
		MaxDistanceKm: &maxKm, Domains: v.Domains, Languages: v.Languages, QualificationTrack: v.QualificationTrack,
		BirthDate: v.BirthDate, Guardian: v.Guardian, Insurance: v.Insurance}
}

// EditMySocialWorkerProfile edits the caller's existing social-worker profile.
func (s *Service) EditMySocialWorkerProfile(ctx context.Context, actor *Actor, edit core.Edit[SocialWorkerInput]) (*SocialWorkerView, error) {
	return s.editMySocialWorkerProfile(ctx, actor, edit, true)
}

// socialWorkerInputOf is w as its owner would send it again.
func socialWorkerInputOf(w *models.SocialWorker) SocialWorkerInput {
	in := SocialWorkerInput{Post: w.Post, StationTownCode: w.StationTownCode, Domains: w.Domains,
		Availability: daysOf(w.Availability), Base: w.Base}
	if c := w.Certificate; c != nil {
		in.Certificate = &CertificateInput{Level: c.Level, Number: c.Number, IssuedOn: c.IssuedOn}
	}
	return in
}

// EditOrganisation edits an organisation's details: its admins or civil
// affairs, as for UpdateOrganisation.
func (s *Service) EditOrganisation(ctx context.Context, actor *Actor, id string, edit core.Edit[OrganisationInput]) (*models.Organisation, error) {
	return s.editOrganisation(ctx, actor, "patch-organisation", id, edit)
}

// EditStation edits a township's station: civil affairs, as for UpdateStation.
func (s *Service) EditStation(ctx context.Context, actor *Actor, townCode string, edit core.Edit[StationInput]) (*models.Station, error) {
	return s.editStation(ctx, actor, "patch-station", townCode, edit)
}

// orgInputOf is o's details as an editor would send them again.
func orgInputOf(o *models.Organisation) OrganisationInput {
	return OrganisationInput{Name: o.Name, Kind: o.Kind, CreditCode: o.CreditCode, DivisionCode: o.DivisionCode,
		ContactName: o.ContactName, ContactPhone: o.ContactPhone, Description: o.Description, Domains: o.Domains,
		DivisionsServed: o.DivisionsServed, Beds: o.Beds}
}

// daysOf is a weekly availability in the form ParseWeekGrid reads, every
// day present ({"mon": ["08:00-12:00"], "tue": [], ...}).
func daysOf(g models.WeekGrid) map[string][]string {
	var days map[string][]string
	raw, err := g.MarshalJSON()
	if err == nil {
		err = json.Unmarshal(raw, &days)
	}
	if err != nil {
		panic("parties: a week grid does not read back: " + err.Error()) // MarshalJSON writes only day keys and ranges
	}
	return days
}
