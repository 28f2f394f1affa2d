"""deploy/Dockerfile against the manifests and the release check: the ports the image exposes
are the pod's, its user is the pod's, the binary is built as scripts/check-release-build
builds it, and the runtime stage stays small and unprivileged."""

import os
import re

from .objects import apus_deployment, containers, pod_spec

BUILD = "swift build -c release --static-swift-stdlib --product apus"


def check(repository, objects):
    errors = []
    with open(os.path.join(repository, "deploy", "Dockerfile")) as f:
        text = f.read()
    with open(os.path.join(repository, "scripts", "check-release-build")) as f:
        release_check = f.read()
    # Instructions only: comments dropped, continued lines joined.
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    instructions = re.sub(r"\\\n\s*", " ", text)
    stages = re.findall(r"^FROM\s+(\S+)", instructions, re.M)
    if len(stages) < 2 or not stages[0].startswith("swift:6.3"):
        errors.append(f"Dockerfile: expected a swift:6.3 build stage and a runtime stage, has {stages}")
    if not re.search(r"^RUN .*" + re.escape(BUILD), instructions, re.M) or BUILD not in release_check:
        errors.append(f"Dockerfile and scripts/check-release-build must both build with `{BUILD}`")
    runtime = instructions[instructions.rfind("\nFROM "):]
    user = re.findall(r"^USER\s+(\S+)", runtime, re.M)
    exposed = {int(p) for line in re.findall(r"^EXPOSE\s+(.+)$", runtime, re.M) for p in line.split()}
    if not re.search(r"^HEALTHCHECK .*/healthz", runtime, re.M):
        errors.append("Dockerfile: no HEALTHCHECK against /healthz")
    if not re.search(r'^ENTRYPOINT \["apus"\]', runtime, re.M) or not re.search(r'^CMD \["serve"\]', runtime, re.M):
        errors.append('Dockerfile: ENTRYPOINT ["apus"] and CMD ["serve"] expected')
    deployment = apus_deployment(objects)
    if deployment is None:
        return errors
    ports = {p["containerPort"] for c in containers(deployment) if c.get("name") == "apus" for p in c.get("ports") or []}
    if exposed != ports:
        errors.append(f"Dockerfile exposes {sorted(exposed)}, the pod declares {sorted(ports)}")
    uid = (pod_spec(deployment).get("securityContext") or {}).get("runAsUser")
    if not user or user[-1].split(":")[0] != str(uid):
        errors.append(f"Dockerfile runs as {user[-1] if user else 'root'}, the pod as {uid}")
    return errors
