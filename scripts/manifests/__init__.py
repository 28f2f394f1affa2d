"""Checks of the Kubernetes manifests under deploy/k8s (run by scripts/check-manifests)."""
