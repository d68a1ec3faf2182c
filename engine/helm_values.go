package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// objectsClient answers fluxcd/pkg/chartutil's Get calls from the ConfigMaps and Secrets the
// host found in the repository, in place of a cluster. chartutil calls nothing else; any other
// method would panic through the nil embedded interface, which runInstall would not see, so
// composeValues is the only caller.
type objectsClient struct {
	client.Client
	objects map[string]map[string]any // "Kind/namespace/name" → object
}

func newObjectsClient(objects []map[string]any) (*objectsClient, error) {
	c := &objectsClient{objects: map[string]map[string]any{}}
	for _, o := range objects {
		kind, _ := o["kind"].(string)
		meta, _ := o["metadata"].(map[string]any)
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		if kind != "ConfigMap" && kind != "Secret" {
			return nil, fmt.Errorf("valuesFrom objects must be ConfigMaps or Secrets, got %s %s", kind, name)
		}
		c.objects[kind+"/"+ns+"/"+name] = o
	}
	return c, nil
}

func (c *objectsClient) Get(_ context.Context, key client.ObjectKey, obj client.Object, _ ...client.GetOption) error {
	kind := ""
	switch obj.(type) {
	case *corev1.ConfigMap:
		kind = "ConfigMap"
	case *corev1.Secret:
		kind = "Secret"
	default:
		return fmt.Errorf("unsupported object type %T", obj)
	}
	found, ok := c.objects[kind+"/"+key.Namespace+"/"+key.Name]
	if !ok {
		return apierrors.NewNotFound(schema.GroupResource{Resource: kind}, key.Name)
	}
	if kind == "Secret" {
		found = withStringData(found)
	}
	return runtime.DefaultUnstructuredConverter.FromUnstructured(found, obj)
}

// withStringData folds a Secret's stringData into data, as the API server does on write.
func withStringData(secret map[string]any) map[string]any {
	sd, _ := secret["stringData"].(map[string]any)
	if len(sd) == 0 {
		return secret
	}
	out := map[string]any{}
	for k, v := range secret {
		out[k] = v
	}
	data := map[string]any{}
	if d, ok := secret["data"].(map[string]any); ok {
		for k, v := range d {
			data[k] = v
		}
	}
	for k, v := range sd {
		data[k] = base64.StdEncoding.EncodeToString([]byte(fmt.Sprint(v)))
	}
	out["data"] = data
	delete(out, "stringData")
	return out
}

func discardLogger() logr.Logger { return logr.Discard() }

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func asPanic(err error, target **panicError) bool { return errors.As(err, target) }
