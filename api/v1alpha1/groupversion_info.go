// Package v1alpha1 holds the mentoring.reverse-mentoring.dev/v1alpha1 API: Programme, Participant and
// Pairing, the three resources that describe a reverse mentoring programme.
//
// +kubebuilder:object:generate=true
// +groupName=mentoring.reverse-mentoring.dev
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of every kind in this package.
	GroupVersion = schema.GroupVersion{Group: "mentoring.reverse-mentoring.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the kinds of this package with a scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the kinds of this package to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
