package service

import "context"

// Ready reports whether the node can serve: its database answers. A load balancer's readiness
// probe (GET /readyz) takes a node that is not ready out of rotation until it is again.
func (s *Service) Ready(ctx context.Context) error {
	return s.store.Ping(ctx)
}
