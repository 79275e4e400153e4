package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// What every Outbox stores the same way: delivery ids, queue keys and the JSON columns of a channel.

// NewDeliveryID makes the stable id of a delivery, sent as webhook-id on every attempt. It is a
// UUID version 7, which grows with time: new ids go to the end of the primary key's index instead
// of to a random page of it, which would cost a page of WAL per delivery once the index outgrows
// the cache.
func NewDeliveryID() string {
	id, err := uuid.NewV7()
	if err != nil {
		id = uuid.New()
	}
	return "msg_" + strings.ReplaceAll(id.String(), "-", "")
}

// OrderingKey is the queue a notification's deliveries wait in on each channel: its container's,
// or one of its own when it concerns no container (such a queue never holds a second delivery).
func OrderingKey(n *StoredNotification) string {
	if n.EquipmentNumber != "" {
		return n.EquipmentNumber
	}
	return OwnQueuePrefix + strconv.FormatInt(n.Seq, 10)
}

// Receivers are the companies notified in ns, each once, sorted: a dispatch reads the channels of
// those companies only, not every channel of the platform.
func Receivers(ns []StoredNotification) []string {
	ids := make([]string, 0, 8)
	for i := range ns {
		ids = append(ids, ns[i].ReceiverID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// OwnQueuePrefix starts the ordering key of a notification that concerns no container (an
// equipment number never starts with it).
const OwnQueuePrefix = "#"

// ChannelColumns returns the channel's types and auth as the JSON texts a store keeps them in
// (types never null: an empty array is every type).
func ChannelColumns(c Channel) (types, auth string, err error) {
	t := c.Types
	if t == nil {
		t = []string{}
	}
	b, err := json.Marshal(t)
	if err != nil {
		return "", "", fmt.Errorf("channel types: %w", err)
	}
	a, err := json.Marshal(c.Auth)
	if err != nil {
		return "", "", fmt.Errorf("channel auth: %w", err)
	}
	return string(b), string(a), nil
}

// SetChannelColumns reads back into c the JSON texts ChannelColumns made (no types: nil).
func SetChannelColumns(c *Channel, types, auth string) error {
	if err := json.Unmarshal([]byte(types), &c.Types); err != nil {
		return fmt.Errorf("channel %s types: %w", c.ID, err)
	}
	if len(c.Types) == 0 {
		c.Types = nil
	}
	if err := json.Unmarshal([]byte(auth), &c.Auth); err != nil {
		return fmt.Errorf("channel %s auth: %w", c.ID, err)
	}
	return nil
}
