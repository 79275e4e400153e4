package release

import "time"

// CustomsReading is what the platform knows of a container's customs status (the CCRM read):
// the container's own status (the feed's last message, else the newest release's light) and each
// live release's customs lights.
type CustomsReading struct {
	Status   string
	Colour   Colour
	Progress string
	// Source and UpdatedOn are the feed message's; empty/zero when no feed message is kept.
	Source    string
	UpdatedOn time.Time
	Releases  []CustomsReleaseReading
}

// CustomsReleaseReading is one live release of the container with its customs lights.
type CustomsReleaseReading struct {
	ReleaseID           string
	BillOfLadingNumbers []string
	Status              string
	Colour              Colour
	Progress            string
}

// ReadCustoms returns the customs status of c as viewer may see it, and false when viewer is not
// entitled to it: only the customs authority and the stakeholders of one of its live releases are
// (anyone else must not learn whether the container exists, so a refusal says nothing more).
func (c *Container) ReadCustoms(viewer *Party) (CustomsReading, bool) {
	entitled := viewer.HasRole(RoleCustoms)
	out := CustomsReading{Status: ValueNotReleased, Progress: ValueUnknown, Releases: []CustomsReleaseReading{}}
	for _, r := range c.Rights {
		if r.Deleted() {
			continue
		}
		if viewer != nil && r.IsStakeholder(viewer.NxtEntityID) {
			entitled = true
		}
		colour, _ := ColourOf(LightCustoms, r.Lights.Customs)
		out.Releases = append(out.Releases, CustomsReleaseReading{ReleaseID: r.ReleaseID, BillOfLadingNumbers: r.Key.BillOfLadingNumbers,
			Status: r.Lights.Customs, Colour: colour, Progress: r.Lights.CustomsProgress})
	}
	if !entitled {
		return CustomsReading{}, false
	}
	if f := c.Facts.Customs; f != nil {
		if f.Status != "" {
			out.Status = f.Status
		}
		if f.Progress != "" {
			out.Progress = f.Progress
		}
		out.UpdatedOn, out.Source = f.At.UTC(), f.Source
	} else if len(out.Releases) > 0 {
		// No feed message kept (a manual overwrite, or a container released before facts existed).
		latest := out.Releases[len(out.Releases)-1]
		out.Status, out.Progress = latest.Status, latest.Progress
	}
	out.Colour, _ = ColourOf(LightCustoms, out.Status)
	out.Progress = EffectiveProgress(out.Status, out.Progress)
	return out, true
}
