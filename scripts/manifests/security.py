"""The security properties every rendered deployment must keep, whatever the overlay."""

import re

from .objects import (WORKLOAD_KINDS, apus_deployment, containers, env_of, ident, named, namespace_of, of_kind,
                      pod_labels, pod_spec, quantity, selects)

# Egress Apus may have: DNS, PostgreSQL, the object store (HTTPS, or MinIO in the cluster).
ALLOWED_EGRESS_PORTS = {53, 5432, 443, 9000}
# Settings a credential would be in; their values must come from Secrets.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|DATABASE_URL", re.I)
SECRET_VALUE = re.compile(r"://[^/@\s:]+:[^/@\s]+@|-----BEGIN|AKIA[0-9A-Z]{16}|\$2[aby]\$\d\d\$")


def check(objects):
    errors = []
    workloads = of_kind(objects, *WORKLOAD_KINDS)
    for workload in workloads:
        errors += pod_security(objects, workload)
    errors += secrets_stay_secret(objects)
    errors += network_policies(objects, workloads)
    errors += namespaces(objects)
    if apus_deployment(objects) is None:
        errors.append("no Deployment runs Apus (a container named apus)")
    else:
        errors += apus_pods(objects, apus_deployment(objects))
    return errors


def pod_security(objects, workload):
    errors = []
    name = ident(workload)
    spec = pod_spec(workload)
    pod = spec.get("securityContext") or {}
    service_account = named(objects, "ServiceAccount", spec.get("serviceAccountName", "default"), namespace_of(workload))
    automount = spec.get("automountServiceAccountToken",
                         (service_account or {}).get("automountServiceAccountToken", True))
    if automount is not False:
        errors.append(f"{name}: the service account token is mounted (set automountServiceAccountToken: false)")
    if spec.get("enableServiceLinks") is not False:
        errors.append(f"{name}: enableServiceLinks must be false (Service variables would shadow settings)")
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(host):
            errors.append(f"{name}: {host} is set")
    if (pod.get("seccompProfile") or {}).get("type") != "RuntimeDefault":
        errors.append(f"{name}: pod seccompProfile must be RuntimeDefault")
    if pod.get("runAsUser") == 0:
        errors.append(f"{name}: runs as root (runAsUser 0)")
    long_running = workload["kind"] in ("Deployment", "StatefulSet", "DaemonSet")
    for c in containers(workload):
        where = f"{name} container {c.get('name')}"
        context = c.get("securityContext") or {}
        if not (context.get("runAsNonRoot", pod.get("runAsNonRoot")) is True):
            errors.append(f"{where}: runAsNonRoot is not true")
        if context.get("runAsUser", pod.get("runAsUser")) == 0:
            errors.append(f"{where}: runs as root (runAsUser 0)")
        if context.get("readOnlyRootFilesystem") is not True:
            errors.append(f"{where}: readOnlyRootFilesystem is not true")
        if context.get("allowPrivilegeEscalation") is not False:
            errors.append(f"{where}: allowPrivilegeEscalation is not false")
        if context.get("privileged"):
            errors.append(f"{where}: privileged")
        capabilities = context.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            errors.append(f"{where}: capabilities do not drop ALL")
        if capabilities.get("add"):
            errors.append(f"{where}: adds capabilities {capabilities['add']}")
        resources = c.get("resources") or {}
        for part in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in (resources.get(part) or {}):
                    errors.append(f"{where}: no {resource} in resource {part}")
        image = c.get("image", "")
        if ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest"):
            errors.append(f"{where}: image {image!r} has no fixed tag")
        if long_running:
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                if probe not in c:
                    errors.append(f"{where}: no {probe}")
    return errors


def secrets_stay_secret(objects):
    """Secret references only: no Secret objects, no credential in a ConfigMap or an env value."""
    errors = [f"{ident(s)}: a Secret with its values is rendered; reference Secrets created apart"
              for s in of_kind(objects, "Secret")]
    for config in of_kind(objects, "ConfigMap"):
        for key, value in (config.get("data") or {}).items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                errors.append(f"{ident(config)}: {key} is a credential setting: take it from a Secret")
            if SECRET_VALUE.search(str(value)):
                errors.append(f"{ident(config)}: {key} holds what looks like a secret value")
    for workload in of_kind(objects, *WORKLOAD_KINDS):
        for c in containers(workload):
            for variable in c.get("env") or []:
                value = str(variable.get("value", ""))
                if "value" in variable and (SECRET_NAME.search(variable["name"]) or SECRET_VALUE.search(value)) \
                        and "$(" not in value:
                    errors.append(f"{ident(workload)} container {c.get('name')}: {variable['name']} has a literal "
                                  "secret value: use secretKeyRef")
    return errors


def network_policies(objects, workloads):
    errors = []
    policies = of_kind(objects, "NetworkPolicy")
    for workload in workloads:
        labels = pod_labels(workload)
        covering = [p for p in policies if namespace_of(p) == namespace_of(workload)
                    and selects(p["spec"].get("podSelector"), labels)]
        types = {t for p in covering for t in p["spec"].get("policyTypes") or []}
        if not covering:
            errors.append(f"{ident(workload)}: no NetworkPolicy selects its pods")
        elif types != {"Ingress", "Egress"}:
            errors.append(f"{ident(workload)}: its NetworkPolicy restricts only {sorted(types)}")
        for policy in covering:
            for rule in policy["spec"].get("ingress") or []:
                if not rule.get("from"):
                    errors.append(f"{ident(policy)}: an ingress rule admits every source")
                for peer in rule.get("from") or []:
                    if (peer.get("ipBlock") or {}).get("cidr") in ("0.0.0.0/0", "::/0"):
                        errors.append(f"{ident(policy)}: ingress from the whole internet")
    deployment = apus_deployment(objects)
    if deployment is not None:
        for policy in policies:
            if namespace_of(policy) != namespace_of(deployment) or not selects(
                    policy["spec"].get("podSelector"), pod_labels(deployment)):
                continue
            for rule in policy["spec"].get("egress") or []:
                ports = {p.get("port") for p in rule.get("ports") or []}
                if not ports or not ports <= ALLOWED_EGRESS_PORTS:
                    errors.append(f"{ident(policy)}: Apus egress to ports {sorted(map(str, ports)) or 'any'}; "
                                  f"only DNS, PostgreSQL and the object store ({sorted(ALLOWED_EGRESS_PORTS)})")
            for rule in policy["spec"].get("ingress") or []:
                names = {p.get("port") for p in rule.get("ports") or []}
                if names & {"http", "https", 8042, 8443} and any("ipBlock" in peer for peer in rule.get("from") or []):
                    errors.append(f"{ident(policy)}: HTTP reachable from address ranges, not only the ingress")
    return errors


def namespaces(objects):
    return [f"{ident(n)}: Pod Security admission must enforce 'restricted'"
            for n in of_kind(objects, "Namespace")
            if (n["metadata"].get("labels") or {}).get("pod-security.kubernetes.io/enforce") != "restricted"]


def probe_path(container, probe):
    return ((container.get(probe) or {}).get("httpGet") or {}).get("path")


def apus_pods(objects, deployment):
    errors = []
    name = ident(deployment)
    spec = pod_spec(deployment)
    apus = next(c for c in containers(deployment) if c.get("name") == "apus")
    requests = (apus.get("resources") or {}).get("requests") or {}
    limits = (apus.get("resources") or {}).get("limits") or {}
    if requests.get("cpu") != "100m" or requests.get("memory") != "128Mi":
        errors.append(f"{name}: Apus requests {requests}, not 100m CPU / 128Mi memory")
    for probe, path in (("livenessProbe", "/healthz"), ("readinessProbe", "/readyz"), ("startupProbe", "/healthz")):
        if probe_path(apus, probe) != path:
            errors.append(f"{name}: {probe} must GET {path}, has {probe_path(apus, probe)}")
    pre_stop = ((apus.get("lifecycle") or {}).get("preStop") or {})
    if not pre_stop:
        errors.append(f"{name}: no preStop hook to let endpoints drop the pod before SIGTERM")
    if spec.get("terminationGracePeriodSeconds", 30) < 60:
        errors.append(f"{name}: terminationGracePeriodSeconds under 60 s cuts in-flight stores")
    mounts = {m.get("mountPath"): m.get("name") for m in apus.get("volumeMounts") or []}
    volumes = {v.get("name"): v for v in spec.get("volumes") or []}
    if "emptyDir" not in volumes.get(mounts.get("/tmp"), {}):
        errors.append(f"{name}: /tmp is not an emptyDir (the root filesystem is read-only)")
    env = env_of(objects, deployment)
    data = env.get("APUS_DATA_DIR", ("value", ""))[1]
    if data not in mounts:
        errors.append(f"{name}: APUS_DATA_DIR {data!r} is not a mounted volume")
    size = env.get("APUS_MAX_INSTANCE_SIZE")
    if "memory" in limits and size and size[0] == "value" and int(size[1]) > quantity(limits["memory"]) / 2:
        errors.append(f"{name}: APUS_MAX_INSTANCE_SIZE {size[1]} leaves no room under the memory limit "
                      f"{limits['memory']}")
    if not spec.get("topologySpreadConstraints"):
        errors.append(f"{name}: no topologySpreadConstraints")
    return errors
