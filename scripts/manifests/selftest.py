"""Proof that the checks fail: each breakage below, made in a copy of deploy/k8s, must be
reported with the given words."""

import os
import shutil
import tempfile

# (what is broken, file under deploy/k8s, text there, replacement, words the report must hold)
BREAKAGES = [
    ("writable root filesystem", "base/deployment.yaml", "readOnlyRootFilesystem: true",
     "readOnlyRootFilesystem: false", "readOnlyRootFilesystem is not true"),
    ("privilege escalation", "base/deployment.yaml", "allowPrivilegeEscalation: false",
     "allowPrivilegeEscalation: true", "allowPrivilegeEscalation is not false"),
    ("capabilities kept", "base/deployment.yaml", 'drop: ["ALL"]', 'drop: ["NET_RAW"]', "do not drop ALL"),
    ("root allowed", "base/deployment.yaml", "runAsNonRoot: true", "runAsNonRoot: false",
     "runAsNonRoot is not true"),
    ("service account token", "base/deployment.yaml", "automountServiceAccountToken: false",
     "automountServiceAccountToken: true", "service account token is mounted"),
    ("service links", "base/deployment.yaml", "enableServiceLinks: false", "enableServiceLinks: true",
     "enableServiceLinks must be false"),
    ("no memory limit", "base/deployment.yaml", "            limits:\n              cpu: \"2\"\n              memory: 512Mi\n",
     "            limits:\n              cpu: \"2\"\n", "no memory in resource limits"),
    ("readiness on the wrong path", "base/deployment.yaml", "path: /readyz", "path: /healthz",
     "readinessProbe must GET /readyz"),
    ("no NetworkPolicy", "base/kustomization.yaml", "  - networkpolicy.yaml\n", "",
     "no NetworkPolicy selects its pods"),
    ("egress anywhere", "base/networkpolicy.yaml", "        - port: 443\n", "        - port: 22\n",
     "Apus egress to ports"),
    ("misspelt setting", "base/kustomization.yaml", "APUS_LOG_LEVEL=info", "APUS_LOGLEVEL=info",
     "unknown setting APUS_LOGLEVEL"),
    ("schema violation", "base/service-http.yaml", "      targetPort: http\n", "      targetport: http\n",
     "does not validate against Kubernetes"),
    ("secret in a ConfigMap", "overlays/dev/kustomization.yaml", "      - APUS_LOG_LEVEL=debug\n",
     "      - APUS_LOG_LEVEL=debug\n      - APUS_DATABASE_URL=postgres://apus:hunter2@db:5432/apus\n",
     "credential setting"),
    ("production without authentication", "overlays/production/kustomization.yaml",
     "APUS_AUTHENTICATION=required", "APUS_AUTHENTICATION=none", "authentication must be required"),
    ("production without S3", "overlays/production/kustomization.yaml", "APUS_STORAGE=s3://",
     "APUS_STORAGE=file://", "files go to an S3 bucket"),
    ("image without a tag", "overlays/in-cluster/postgresql.yaml", "postgres:17-bookworm", "postgres:latest",
     "has no fixed tag"),
    ("DICOM TLS without client certificates", "components/tls/kustomization.yaml",
     "APUS_DICOM_TLS_VERIFY_PEER=true", "APUS_DICOM_TLS_VERIFY_PEER=false", "verify client certificates"),
    ("overlay that does not render", "overlays/tls/kustomization.yaml", "  - ../production\n",
     "  - ../productoin\n", "kubectl kustomize failed"),
    ("two sites in one namespace", "sites/hospital-b/kustomization.yaml", "namespace: apus-hospital-b",
     "namespace: apus-hospital-a", "already registered id"),
    ("two sites with one CA", "sites/hospital-b/site-patch.yaml", "Hospital B Apus CA", "Hospital A Apus CA",
     "two sites have the same CA"),
    ("two sites with one hostname", "sites/hospital-b/site-patch.yaml", "apus.hospital-b.example.org",
     "apus.hospital-a.example.org", "share hostnames"),
    ("dashboard over a metric Apus lacks", "components/observability/apus-dashboard.json", "apus_errors_total",
     "apus_failures_total", "metrics Apus does not export"),
]


# The same for deploy/Dockerfile, checked against base's Deployment.
DOCKERFILE_BREAKAGES = [
    ("image without the TLS ports", "EXPOSE 8042 4242 8443 11112", "EXPOSE 8042 4242", "the pod declares"),
    ("image running as root", "USER 10001:10001", "USER 0", "the pod as 10001"),
    ("image built otherwise", "swift build -c release --static-swift-stdlib --product apus \\",
     "swift build -c release --product apus \\", "must both build with"),
    ("image without HEALTHCHECK", "HEALTHCHECK", "# HEALTHCHECK", "no HEALTHCHECK"),
]


def run_dockerfile(repository, check_dockerfile):
    """check_dockerfile(repository) -> errors, for copies of deploy/Dockerfile broken one way each."""
    missed = []
    with tempfile.TemporaryDirectory(prefix="check-dockerfile-") as scratch:
        for folder in ("deploy", "scripts"):
            os.makedirs(os.path.join(scratch, folder))
        shutil.copy(os.path.join(repository, "scripts", "check-release-build"), os.path.join(scratch, "scripts"))
        with open(os.path.join(repository, "deploy", "Dockerfile")) as f:
            original = f.read()
        for what, old, new, words in DOCKERFILE_BREAKAGES:
            if old not in original:
                missed.append((what, words, [f"the text to break is no longer in deploy/Dockerfile: {old!r}"]))
                continue
            with open(os.path.join(scratch, "deploy", "Dockerfile"), "w") as f:
                f.write(original.replace(old, new))
            errors = check_dockerfile(scratch)
            if not any(words in e for e in errors):
                missed.append((what, words, errors))
            else:
                print(f"    caught: {what}: {next(e for e in errors if words in e)}")
    return missed


def run(k8s_root, check_tree):
    """check_tree(root, changed=None, until=None) -> errors (changed: the one file altered; until:
    stop at the first problem passing this test). Returns the breakages the checks missed."""
    missed = []
    with tempfile.TemporaryDirectory(prefix="check-manifests-") as scratch:
        pristine = os.path.join(scratch, "k8s")
        shutil.copytree(k8s_root, pristine)
        errors = check_tree(pristine)
        if errors:
            missed.append(("the unbroken copy", "passes", errors))
        for what, path, old, new, words in BREAKAGES:
            copy = os.path.join(scratch, "broken")
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(pristine, copy)
            file = os.path.join(copy, path)
            with open(file) as f:
                text = f.read()
            if old not in text:
                missed.append((what, words, [f"the text to break is no longer in {path}: {old!r}"]))
                continue
            with open(file, "w") as f:
                f.write(text.replace(old, new))
            errors = check_tree(copy, changed=path, until=lambda e, words=words: words in e)
            if not any(words in e for e in errors):
                missed.append((what, words, errors))
            else:
                print(f"    caught: {what}: {next(e for e in errors if words in e)}")
    return missed
