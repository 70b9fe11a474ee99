package calls

import "testing"

func TestWork(t *testing.T) {
	Churn(400)
	Workers(4, 30, true)
	Workers(3, 300, false)
}
