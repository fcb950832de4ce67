package memory_test

import (
	"testing"

	"github.com/caseledger/caseledger/store/memory"
	"github.com/caseledger/caseledger/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.Factory{
		New: func(t *testing.T) storetest.Store {
			s := memory.New()
			t.Cleanup(func() { _ = s.Close() })
			return s
		},
	})
}
