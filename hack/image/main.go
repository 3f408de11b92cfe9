// Command image builds the manager's OCI image without Docker and without pulling anything: a static,
// reproducible build of cmd/manager as the only file of an empty base, run as user 65532, written as an
// OCI image layout. The same sources and Go version give the same digest, on any machine.
//
//	go run ./hack/image -ref ghcr.io/reverse-mentoring-dev/reverse-mentoring-operator:0.1.0 -out bin/image
//
// It prints REF@DIGEST. Push the layout with `crane push bin/image REF` or `skopeo copy oci:bin/image
// docker://REF`.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// user is the image's user and group: non-root, as the restricted Pod Security Standard wants.
const user = "65532:65532"

// epoch is every timestamp in the image, so that builds at different times give the same digest.
var epoch = time.Unix(0, 0).UTC()

func main() {
	var opts options
	flag.StringVar(&opts.ref, "ref", "", "Reference the image is named by in the layout, REPOSITORY:TAG; make image passes the chart's.")
	flag.StringVar(&opts.out, "out", "bin/image", "Folder of the OCI image layout; replaced.")
	flag.StringVar(&opts.platforms, "platforms", "linux/amd64", "Comma-separated OS/ARCH to build; more than one makes a multi-platform index.")
	flag.StringVar(&opts.source, "source", ".", "The repository's folder: cmd/manager is built from it.")
	flag.Parse()
	digest, err := build(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
	fmt.Printf("%s@%s\n", opts.ref, digest)
}

type options struct {
	ref, out, platforms, source string
}

// build writes the layout and returns the digest of its image, or of its index for several platforms.
func build(opts options) (v1.Hash, error) {
	ref, err := name.NewTag(opts.ref)
	if err != nil || opts.ref == "" {
		return v1.Hash{}, fmt.Errorf("-ref %q: give the image's name as REPOSITORY:TAG (%v)", opts.ref, err)
	}
	var images []mutate.IndexAddendum
	for platform := range strings.SplitSeq(opts.platforms, ",") {
		p, err := v1.ParsePlatform(strings.TrimSpace(platform))
		if err != nil || p.OS != "linux" || p.Architecture == "" {
			return v1.Hash{}, fmt.Errorf("-platforms: %q is not linux/ARCH, such as linux/amd64", platform)
		}
		img, err := image(opts.source, ref, *p)
		if err != nil {
			return v1.Hash{}, fmt.Errorf("%s: %w", platform, err)
		}
		images = append(images, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: p}})
	}
	if err := os.RemoveAll(opts.out); err != nil {
		return v1.Hash{}, err
	}
	path, err := layout.Write(opts.out, empty.Index)
	if err != nil {
		return v1.Hash{}, err
	}
	named := layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": ref.TagStr(), // what skopeo and crane read
		"io.containerd.image.name":          ref.Name(),   // what `ctr images import` reads
	})
	if len(images) == 1 {
		img := images[0].Add.(v1.Image)
		if err := path.AppendImage(img, named); err != nil {
			return v1.Hash{}, err
		}
		return img.Digest()
	}
	index := mutate.IndexMediaType(mutate.AppendManifests(empty.Index, images...), types.OCIImageIndex)
	if err := path.AppendIndex(index, named); err != nil {
		return v1.Hash{}, err
	}
	return index.Digest()
}

// image is the manager built for one platform, on an empty base.
func image(source string, ref name.Tag, platform v1.Platform) (v1.Image, error) {
	binary, err := buildManager(source, platform)
	if err != nil {
		return nil, err
	}
	files, err := rootFilesystem(binary)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(files)), nil },
		tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err = mutate.AppendLayers(img, layer)
	if err != nil {
		return nil, err
	}
	config, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	config = config.DeepCopy()
	config.OS, config.Architecture, config.Variant = platform.OS, platform.Architecture, platform.Variant
	config.Created = v1.Time{Time: epoch}
	config.Config = v1.Config{
		User:       user,
		Entrypoint: []string{"/manager"},
		WorkingDir: "/",
		Labels: map[string]string{
			"org.opencontainers.image.title":   "reverse-mentoring-operator",
			"org.opencontainers.image.source":  "https://github.com/reverse-mentoring-dev/reverse-mentoring-operator",
			"org.opencontainers.image.version": ref.TagStr(),
		},
	}
	return mutate.ConfigFile(img, config)
}

// buildManager builds cmd/manager statically for the platform and returns the binary. -trimpath and
// -buildvcs=false keep the build machine's folders and the Git state out of it, so it is reproducible.
func buildManager(source string, platform v1.Platform) ([]byte, error) {
	dir, err := os.MkdirTemp("", "manager-image")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "manager")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-s -w -buildid=", "-o", out, "./cmd/manager")
	cmd.Dir = source
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+platform.OS, "GOARCH="+platform.Architecture, "GOFLAGS=", "GOTOOLCHAIN=local")
	if platform.Architecture == "arm" {
		cmd.Env = append(cmd.Env, "GOARM="+strings.TrimPrefix(platform.Variant, "v"))
	}
	if output, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the manager: %w\n%s", err, output)
	}
	return os.ReadFile(out)
}

// rootFilesystem is a tar of the image's only file, /manager, owned by root and executable by all.
func rootFilesystem(binary []byte) ([]byte, error) {
	var buf bytes.Buffer
	w := tar.NewWriter(&buf)
	header := &tar.Header{Typeflag: tar.TypeReg, Name: "manager", Mode: 0o755, Size: int64(len(binary)), ModTime: epoch, Format: tar.FormatPAX}
	if err := w.WriteHeader(header); err != nil {
		return nil, err
	}
	if _, err := w.Write(binary); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
