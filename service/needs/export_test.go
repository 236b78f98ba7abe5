package needs

import (
	"context"

	"github.com/wushe/wushe/matching"
)

// IndexForTest is this replica's index, built on first use.
func (m *Matching) IndexForTest(ctx context.Context) (*matching.Index, error) {
	return m.candidateIndex(ctx)
}
