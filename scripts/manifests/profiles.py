"""What each kind of overlay promises: dev is SQLite on a volume, production is PostgreSQL and
S3 with authentication, sites are separate namespaces with their own CA and hostnames…"""

import json
import re

from .objects import (apus_deployment, env_of, ident, named, namespace_of, of_kind, pod_spec, containers)

# The settings `apus serve` reads (Sources/ApusServer/ServerConfiguration.swift, and those
# being added for PostgreSQL, S3, TLS and authentication). A name outside this list is a typo
# that Apus would silently ignore.
SETTINGS = {
    "APUS_AE_TITLE", "APUS_DICOM_HOST", "APUS_DICOM_PORT", "APUS_HTTP_HOST", "APUS_HTTP_PORT", "APUS_DATA_DIR",
    "APUS_DATABASE_PATH", "APUS_DUPLICATE_POLICY", "APUS_ALLOWED_CALLING_AE_TITLES",
    "APUS_ACCEPT_ANY_CALLED_AE_TITLE", "APUS_MAX_ASSOCIATIONS", "APUS_MAX_PDU_LENGTH", "APUS_MAX_INSTANCE_SIZE",
    "APUS_LOG_LEVEL", "APUS_PEERS", "APUS_DATABASE_URL", "APUS_STORAGE", "APUS_S3_ACCESS_KEY_ID",
    "APUS_S3_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
    "APUS_DICOM_TLS_PORT", "APUS_HTTPS_PORT", "APUS_TLS_CERTIFICATE_FILE", "APUS_TLS_KEY_FILE", "APUS_TLS_CA_FILE",
    "APUS_DICOM_TLS_VERIFY_PEER", "APUS_AUTHENTICATION", "APUS_USERS_FILE", "APUS_OIDC_ISSUER", "APUS_OIDC_AUDIENCE",
    "APUS_OIDC_JWKS_URL", "APUS_OIDC_JWKS_FILE", "APUS_OIDC_ROLES_CLAIM", "APUS_TLS_RELOAD_SECONDS",
    "APUS_CONFIG", "APUS_NAME", "APUS_PLAIN_DICOM", "APUS_PEER_ACCESS",
}
METRICS = {
    "apus_dicom_associations_open", "apus_instances_stored_total", "apus_bytes_stored_total",
    "apus_http_requests_total", "apus_http_request_duration_seconds", "apus_query_duration_seconds",
    "apus_errors_total",
}
# Secrets the operator creates (deploy/README.md lists each); apus-tls and apus-ca are
# cert-manager's.
KNOWN_SECRETS = {"apus-database", "apus-s3", "apus-users", "apus-postgresql", "apus-minio", "apus-tls", "apus-ca"}


def profile_of(target):
    """The promises a rendered folder (relative to deploy/k8s) must keep."""
    if target == "base":
        return "base"
    if target.startswith("overlays/"):
        return {"dev": "dev", "shared-volume": "shared-volume", "in-cluster": "in-cluster"}.get(
            target.split("/", 1)[1], "production")
    if target == "sites":
        return "sites"
    if target.startswith("sites/"):
        return "site"
    return "production"


def check(target, objects):
    profile = profile_of(target)
    deployment = apus_deployment(objects)
    if deployment is None:
        return []
    errors = settings(objects, deployment) + dashboards(objects)
    checks = {
        "base": [],
        "dev": [dev],
        "production": [authenticated, postgres, s3, replicated],
        "in-cluster": [authenticated, postgres, s3, replicated, in_cluster],
        "shared-volume": [authenticated, postgres, shared_volume, replicated],
        "site": [authenticated, postgres, s3, replicated, tls],
        "sites": [],
    }[profile]
    for deployment in of_kind(objects, "Deployment"):
        if not any(c.get("name") == "apus" for c in containers(deployment)):
            continue
        env = env_of(objects, deployment)
        for step in checks:
            errors += [f"{ident(deployment)}: {e}" for e in step(objects, deployment, env)]
    if target.endswith("tls") or target.endswith("tls-gateway"):
        errors += [f"{ident(deployment)}: {e}" for e in tls(objects, deployment, env_of(objects, deployment))]
    if profile == "sites":
        errors += sites(objects)
    return errors


def settings(objects, deployment):
    errors = []
    env = env_of(objects, deployment)
    for name in env:
        if (name.startswith("APUS_") or name.startswith("AWS_")) and name not in SETTINGS:
            errors.append(f"{ident(deployment)}: unknown setting {name} (Apus would ignore it)")
    for workload in of_kind(objects, "Deployment", "StatefulSet", "Job"):
        spec = pod_spec(workload)
        names = [ref["secretKeyRef"]["name"] for c in containers(workload) for v in c.get("env") or []
                 for ref in [v.get("valueFrom") or {}] if "secretKeyRef" in ref]
        names += [v["secret"]["secretName"] for v in spec.get("volumes") or [] if "secret" in v]
        for name in names:
            if name not in KNOWN_SECRETS:
                errors.append(f"{ident(workload)}: refers to Secret {name}, which deploy/README.md does not list")
    return errors


def dashboards(objects):
    errors = []
    for config in of_kind(objects, "ConfigMap"):
        for key, text in (config.get("data") or {}).items():
            if not key.endswith(".json"):
                continue
            try:
                dashboard = json.loads(text)
            except ValueError as e:
                errors.append(f"{ident(config)}: {key} is not JSON: {e}")
                continue
            expressions = [t.get("expr", "") for p in dashboard.get("panels") or [] for t in p.get("targets") or []]
            used = {re.sub(r"_(bucket|sum|count)$", "", m) for e in expressions for m in re.findall(r"apus_[a-z_]+", e)}
            if used - METRICS:
                errors.append(f"{ident(config)}: {key} uses metrics Apus does not export: {sorted(used - METRICS)}")
            if METRICS - used:
                errors.append(f"{ident(config)}: {key} shows nothing of {sorted(METRICS - used)}")
    return errors


def value(env, name):
    kind, text = env.get(name, (None, None))
    return text if kind == "value" else None


def data_volume(objects, deployment, env):
    apus = next(c for c in containers(deployment) if c.get("name") == "apus")
    mounts = {m.get("mountPath"): m.get("name") for m in apus.get("volumeMounts") or []}
    volumes = {v.get("name"): v for v in pod_spec(deployment).get("volumes") or []}
    return volumes.get(mounts.get(value(env, "APUS_DATA_DIR")), {})


def dev(objects, deployment, env):
    errors = []
    if deployment["spec"].get("replicas") != 1:
        errors.append("dev runs one pod (SQLite has one writer)")
    if (deployment["spec"].get("strategy") or {}).get("type") != "Recreate":
        errors.append("dev's one pod on a ReadWriteOnce volume needs the Recreate strategy")
    if "APUS_DATABASE_URL" in env or value(env, "APUS_STORAGE"):
        errors.append("dev is SQLite and files: no APUS_DATABASE_URL, no APUS_STORAGE")
    if "persistentVolumeClaim" not in data_volume(objects, deployment, env):
        errors.append("dev keeps its index and files on a PersistentVolumeClaim")
    if of_kind(objects, "HorizontalPodAutoscaler"):
        errors.append("dev must not autoscale a SQLite archive")
    return errors


def authenticated(objects, deployment, env):
    errors = []
    if value(env, "APUS_AUTHENTICATION") != "required":
        errors.append(f"authentication must be required (APUS_AUTHENTICATION={value(env, 'APUS_AUTHENTICATION')})")
    users = value(env, "APUS_USERS_FILE")
    if not users and not value(env, "APUS_OIDC_ISSUER"):
        errors.append("authentication required but no APUS_USERS_FILE and no APUS_OIDC_ISSUER")
    if users:
        apus = next(c for c in containers(deployment) if c.get("name") == "apus")
        volumes = {v.get("name"): v for v in pod_spec(deployment).get("volumes") or []}
        if not any(users.startswith(m["mountPath"] + "/") and "secret" in volumes.get(m["name"], {})
                   for m in apus.get("volumeMounts") or []):
            errors.append(f"APUS_USERS_FILE {users} is not in a mounted Secret")
    return errors


def postgres(objects, deployment, env):
    if env.get("APUS_DATABASE_URL", ("", ""))[0] != "secret":
        return ["APUS_DATABASE_URL must come from a Secret (PostgreSQL index)"]
    return []


def s3(objects, deployment, env):
    errors = []
    storage = value(env, "APUS_STORAGE") or ""
    if not storage.startswith("s3://"):
        errors.append(f"files go to an S3 bucket: APUS_STORAGE is {storage!r}")
    for name in ("APUS_S3_ACCESS_KEY_ID", "APUS_S3_SECRET_ACCESS_KEY"):
        if env.get(name, ("", ""))[0] != "secret":
            errors.append(f"{name} must come from a Secret")
    return errors


def replicated(objects, deployment, env):
    errors = []
    if (deployment["spec"].get("replicas") or 1) < 3:
        errors.append("runs fewer than 3 replicas")
    autoscalers = [h for h in of_kind(objects, "HorizontalPodAutoscaler")
                   if h["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
                   and namespace_of(h) == namespace_of(deployment)]
    if not autoscalers or autoscalers[0]["spec"].get("minReplicas", 1) < 3:
        errors.append("no HorizontalPodAutoscaler keeping 3 or more replicas")
    if not [p for p in of_kind(objects, "PodDisruptionBudget") if namespace_of(p) == namespace_of(deployment)]:
        errors.append("no PodDisruptionBudget")
    return errors


def shared_volume(objects, deployment, env):
    errors = []
    if value(env, "APUS_STORAGE"):
        errors.append("shared-volume keeps files on the volume: no APUS_STORAGE")
    claim = data_volume(objects, deployment, env).get("persistentVolumeClaim", {}).get("claimName")
    pvc = named(objects, "PersistentVolumeClaim", claim, namespace_of(deployment))
    if pvc is None or "ReadWriteMany" not in pvc["spec"].get("accessModes", []):
        errors.append(f"APUS_DATA_DIR must be a ReadWriteMany PersistentVolumeClaim (has {claim})")
    return errors


def in_cluster(objects, deployment, env):
    errors = []
    namespace = namespace_of(deployment)
    postgresql = [s for s in of_kind(objects, "StatefulSet") if s["spec"].get("volumeClaimTemplates")]
    if not postgresql:
        errors.append("no PostgreSQL StatefulSet with a volume claim")
    match = re.search(r"endpoint=https?://([^:/&]+)", value(env, "APUS_STORAGE") or "")
    if not match or not named(objects, "Service", match.group(1), namespace):
        errors.append("APUS_STORAGE's endpoint is not the in-cluster MinIO Service")
    if not of_kind(objects, "Job"):
        errors.append("no Job creating the bucket")
    return errors


def tls(objects, deployment, env):
    errors = []
    namespace = namespace_of(deployment)
    apus = next(c for c in containers(deployment) if c.get("name") == "apus")
    volumes = {v.get("name"): v for v in pod_spec(deployment).get("volumes") or []}
    certificate_secrets = {c["spec"]["secretName"] for c in of_kind(objects, "Certificate")
                           if namespace_of(c) == namespace}
    for name in ("APUS_TLS_CERTIFICATE_FILE", "APUS_TLS_KEY_FILE", "APUS_TLS_CA_FILE"):
        path = value(env, name)
        mount = next((m for m in apus.get("volumeMounts") or [] if path and path.startswith(m["mountPath"] + "/")),
                     None)
        secret = (volumes.get(mount["name"], {}).get("secret") or {}).get("secretName") if mount else None
        if secret not in certificate_secrets:
            errors.append(f"{name} {path} is not in a mounted Secret that cert-manager issues")
        elif mount.get("subPath"):
            errors.append(f"{name}: a subPath mount never sees renewed certificates")
    if value(env, "APUS_DICOM_TLS_PORT") != "11112" or value(env, "APUS_HTTPS_PORT") != "8443":
        errors.append("DICOM TLS on 11112 and HTTPS on 8443 (APUS_DICOM_TLS_PORT, APUS_HTTPS_PORT)")
    if value(env, "APUS_DICOM_TLS_VERIFY_PEER") != "true":
        errors.append("DICOM TLS must verify client certificates (APUS_DICOM_TLS_VERIFY_PEER=true)")
    if not any(p.get("port") == 11112 for s in of_kind(objects, "Service") if namespace_of(s) == namespace
               for p in s["spec"].get("ports") or []):
        errors.append("no Service publishes DICOM TLS on 11112")
    return errors


def site_hostnames(objects, namespace):
    names = set()
    for cert in of_kind(objects, "Certificate"):
        if namespace_of(cert) == namespace and not cert["spec"].get("isCA"):
            names |= {n for n in cert["spec"].get("dnsNames") or [] if "." in n and not n.endswith(".svc")}
    for ingress in of_kind(objects, "Ingress"):
        if namespace_of(ingress) == namespace:
            names |= {r.get("host") for r in ingress["spec"].get("rules") or [] if r.get("host")}
    return names


def sites(objects):
    """Each site in its own namespace, with its own CA and hostnames."""
    errors = []
    deployments = [d for d in of_kind(objects, "Deployment") if any(c.get("name") == "apus" for c in containers(d))]
    site_namespaces = [namespace_of(d) for d in deployments]
    if len(site_namespaces) < 2:
        errors.append(f"sites: expected at least two sites, found {len(site_namespaces)}")
    if len(set(site_namespaces)) != len(site_namespaces):
        errors.append(f"sites: two sites share a namespace ({site_namespaces})")
    for obj in objects:
        if obj["kind"] != "Namespace" and not namespace_of(obj):
            errors.append(f"sites: {ident(obj)} has no namespace")
    cas, hosts = {}, {}
    for namespace in set(site_namespaces):
        ca = [c for c in of_kind(objects, "Certificate") if namespace_of(c) == namespace and c["spec"].get("isCA")]
        if len(ca) != 1:
            errors.append(f"sites: {namespace} needs exactly one CA Certificate, has {len(ca)}")
        else:
            cas[namespace] = ca[0]["spec"].get("commonName")
        hosts[namespace] = site_hostnames(objects, namespace)
        if not hosts[namespace]:
            errors.append(f"sites: {namespace} has no hostnames")
    if len(set(cas.values())) != len(cas):
        errors.append(f"sites: two sites have the same CA ({cas})")
    spaces = sorted(hosts)
    for i, a in enumerate(spaces):
        for b in spaces[i + 1:]:
            if hosts[a] & hosts[b]:
                errors.append(f"sites: {a} and {b} share hostnames {sorted(hosts[a] & hosts[b])}")
    return errors
