package service

import "github.com/google/uuid"

// newID returns a new publicReferenceId or releaseId: a UUID of version 7, whose leading bits are
// the time. The store indexes both ids (rights by releaseId, audit records and notifications by
// publicReferenceId); ids that grow with time are appended to those indexes, where version-4 ids
// landed on a random page each, which the write path had to read, dirty and write back (to the
// WAL, then again at the checkpoint) for every command. Its 74 random bits keep it unguessable.
func newID() string {
	return uuid.Must(uuid.NewV7()).String()
}
