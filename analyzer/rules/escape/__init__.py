"""escape/: the gc compiler's heap decisions, predicted from syntax and confirmed by the compiler."""
