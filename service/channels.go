package service

import (
	"context"
	"errors"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/release"
	"github.com/portlight/portlight/store"
)

// Notification channels (docs/rules.md "Notification channels"): each
// company manages its own webhooks, sees its deliveries and replays its dead letters. A company
// only ever sees its own channels: another company's channel id is not found (404), the same as
// one that does not exist, so ids cannot be probed.

// channelManager is the manager of the caller's channels, once the door let the caller in.
func (s *Service) channelManager(c *Caller) (*delivery.Manager, error) {
	if err := Authorize(c, release.CallChannels); err != nil {
		return nil, err
	}
	if s.channels == nil {
		return nil, Errorf(CodeNotFound, "Notification channels are not available on this node.")
	}
	return s.channels, nil
}

// channelError says what the channel manager's errors (fault's, like every error) mean for the
// caller: which channel was not found. Other errors (a conflict: the channel limit, a second
// channel to the same place) keep their own words.
func channelError(err error, channelID string) error {
	if errors.Is(err, store.ErrNotFound) {
		return Errorf(CodeNotFound, "No notification channel %s.", channelID)
	}
	return err
}

// CreateChannel creates a channel of the caller's company.
func (s *Service) CreateChannel(ctx context.Context, c *Caller, spec delivery.Spec) (delivery.Channel, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return delivery.Channel{}, err
	}
	ch, err := m.Create(ctx, c.Company.NxtEntityID, spec)
	return ch, channelError(err, "")
}

// ChannelsOf lists the caller's channels.
func (s *Service) ChannelsOf(ctx context.Context, c *Caller) ([]delivery.Channel, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return nil, err
	}
	chs, err := m.List(ctx, c.Company.NxtEntityID)
	return chs, channelError(err, "")
}

// Channel returns one of the caller's channels.
func (s *Service) Channel(ctx context.Context, c *Caller, channelID string) (delivery.Channel, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return delivery.Channel{}, err
	}
	ch, err := m.Get(ctx, c.Company.NxtEntityID, channelID)
	return ch, channelError(err, channelID)
}

// UpdateChannel replaces one of the caller's channels.
func (s *Service) UpdateChannel(ctx context.Context, c *Caller, channelID string, spec delivery.Spec) (delivery.Channel, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return delivery.Channel{}, err
	}
	ch, err := m.Update(ctx, c.Company.NxtEntityID, channelID, spec)
	return ch, channelError(err, channelID)
}

// DeleteChannel deletes one of the caller's channels and its deliveries.
func (s *Service) DeleteChannel(ctx context.Context, c *Caller, channelID string) error {
	m, err := s.channelManager(c)
	if err != nil {
		return err
	}
	return channelError(m.Delete(ctx, c.Company.NxtEntityID, channelID), channelID)
}

// RotateChannelSecret gives one of the caller's channels a new signing secret.
func (s *Service) RotateChannelSecret(ctx context.Context, c *Caller, channelID string) (delivery.Channel, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return delivery.Channel{}, err
	}
	ch, err := m.RotateSecret(ctx, c.Company.NxtEntityID, channelID)
	return ch, channelError(err, channelID)
}

// ChannelDeliveries lists the recent deliveries of one of the caller's channels, as q (parsed by
// the API from the query string) selects them.
func (s *Service) ChannelDeliveries(ctx context.Context, c *Caller, channelID string, q store.DeliveryQuery) ([]store.Delivery, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return nil, err
	}
	q.ChannelID = channelID
	ds, err := m.Deliveries(ctx, c.Company.NxtEntityID, q)
	return ds, channelError(err, channelID)
}

// ReplayDelivery sends a dead letter of one of the caller's channels again.
func (s *Service) ReplayDelivery(ctx context.Context, c *Caller, channelID, deliveryID string) (store.Delivery, error) {
	m, err := s.channelManager(c)
	if err != nil {
		return store.Delivery{}, err
	}
	d, err := m.Replay(ctx, c.Company.NxtEntityID, channelID, deliveryID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Delivery{}, Errorf(CodeNotFound, "No delivery %s on notification channel %s.", deliveryID, channelID)
	case errors.Is(err, store.ErrConflict):
		// Every conflict matches store.ErrConflict (fault's codes): this one is the store's
		// "not dead", the one conflict a replay has.
		return store.Delivery{}, &Error{Code: CodeConflict, Message: "Only a dead delivery can be replayed.", Err: err}
	}
	return d, err
}
