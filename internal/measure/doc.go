// Package measure holds the rules of a programme's check-ins and surveys: when each round opens and
// closes for a pairing ([Rounds]), what it asks each person ([Ask]), what a pairing's answers say about
// its health ([Judge]), and what a programme's answers add up to ([Summarise]), with small groups left
// out.
//
// Everything here is pure: no clock (callers pass now), no I/O, no Kubernetes types. The same inputs
// always give the same output.
package measure
