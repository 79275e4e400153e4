package delivery

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/portlight/portlight/internal/fault"
)

// DefaultMaxChannels is how many notification channels a company may have unless the node says
// otherwise (--max-channels): every notification of the company is POSTed once per channel that
// takes its type, so the channels bound what one command can make the platform send.
const DefaultMaxChannels = 10

// checkRoom refuses c when the company already has MaxChannels channels (a new one) or another
// channel with the same URL and types: a second such channel would only send every notification
// twice to the same place. Checked on this node under m.creating; two nodes creating at the same
// instant may each pass it once.
func (m *Manager) checkRoom(ctx context.Context, c *Channel, isNew bool) error {
	others, err := m.outbox.Channels(ctx, c.CompanyID)
	if err != nil {
		return err
	}
	limit := m.MaxChannels
	if limit <= 0 {
		limit = DefaultMaxChannels
	}
	if isNew && len(others) >= limit {
		return fault.Errorf(fault.CodeConflict, "A company may have at most %d notification channels; delete one first.", limit)
	}
	for _, o := range others {
		if o.ID != c.ID && sameURL(o.URL, c.URL) && slices.Equal(o.Types, c.Types) {
			return fault.Errorf(fault.CodeConflict, "Notification channel %s already sends these types to this url.", o.ID)
		}
	}
	return nil
}

// sameURL reports whether two channel URLs reach the same receiver: equal but for the case of the
// scheme and host.
func sameURL(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return a == b
	}
	ua.Scheme, ua.Host = strings.ToLower(ua.Scheme), strings.ToLower(ua.Host)
	ub.Scheme, ub.Host = strings.ToLower(ub.Scheme), strings.ToLower(ub.Host)
	return ua.String() == ub.String()
}
