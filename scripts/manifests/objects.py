"""Helpers over rendered objects (plain dicts)."""


def ident(obj):
    meta = obj.get("metadata", {})
    namespace = meta.get("namespace")
    return f"{obj.get('kind')}/{namespace + '/' if namespace else ''}{meta.get('name')}"


def of_kind(objects, *kinds):
    return [o for o in objects if o.get("kind") in kinds]


def named(objects, kind, name, namespace=None):
    for o in objects:
        meta = o.get("metadata", {})
        if o.get("kind") == kind and meta.get("name") == name and (
                namespace is None or meta.get("namespace") == namespace):
            return o
    return None


def namespace_of(obj):
    return obj.get("metadata", {}).get("namespace")


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")


def pod_spec(workload):
    spec = workload.get("spec", {})
    if workload.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("spec", {})


def pod_labels(workload):
    spec = workload.get("spec", {})
    if workload.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("metadata", {}).get("labels", {}) or {}


def containers(workload):
    spec = pod_spec(workload)
    return (spec.get("initContainers") or []) + (spec.get("containers") or [])


def selects(selector, labels):
    """Whether a LabelSelector (matchLabels and matchExpressions) matches the labels."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def apus_deployment(objects):
    """The Deployment that runs `apus serve` (the one whose container is named apus)."""
    for o in of_kind(objects, "Deployment"):
        if any(c.get("name") == "apus" for c in containers(o)):
            return o
    return None


def env_of(objects, workload, container_name="apus"):
    """The container's environment as {name: ("value", text) | ("secret", "name/key") | ...},
    envFrom ConfigMaps included (explicit env wins, as in Kubernetes)."""
    result = {}
    namespace = namespace_of(workload)
    for c in containers(workload):
        if c.get("name") != container_name:
            continue
        for source in c.get("envFrom") or []:
            ref = source.get("configMapRef")
            if ref:
                config = named(objects, "ConfigMap", ref.get("name"), namespace)
                for key, value in ((config or {}).get("data") or {}).items():
                    result[key] = ("value", str(value))
        for variable in c.get("env") or []:
            value_from = variable.get("valueFrom")
            if value_from and "secretKeyRef" in value_from:
                ref = value_from["secretKeyRef"]
                result[variable["name"]] = ("secret", f"{ref.get('name')}/{ref.get('key')}")
            elif value_from:
                result[variable["name"]] = ("other", str(value_from))
            else:
                result[variable["name"]] = ("value", str(variable.get("value", "")))
    return result


def quantity(text):
    """A Kubernetes quantity as a number (bytes or cores)."""
    text = str(text)
    suffixes = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
                "m": 1e-3}
    for suffix, factor in sorted(suffixes.items(), key=lambda item: -len(item[0])):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)
