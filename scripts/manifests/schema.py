"""Schema validation: kubernetes-validate (strict) for Kubernetes's own kinds; for the custom
resources the overlays use (cert-manager, Prometheus operator, Gateway API, Flux, Argo CD),
the fields their controllers need and the objects they refer to."""

import functools

from .objects import ident, named, namespace_of, of_kind, selects

KUBERNETES_VERSION = "1.37.0"

# Custom resources we use, and what each must hold.
CUSTOM_KINDS = {
    ("cert-manager.io/v1", "Issuer"),
    ("cert-manager.io/v1", "Certificate"),
    ("monitoring.coreos.com/v1", "ServiceMonitor"),
    ("gateway.networking.k8s.io/v1", "Gateway"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    ("gateway.networking.k8s.io/v1alpha2", "TLSRoute"),
    ("source.toolkit.fluxcd.io/v1", "GitRepository"),
    ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
    ("argoproj.io/v1alpha1", "ApplicationSet"),
}


@functools.lru_cache(maxsize=None)
def _validator_module():
    """kubernetes-validate, with its schema files read once instead of once per object."""
    import kubernetes_validate.utils as utils
    if not hasattr(utils.schema_contents, "cache_info"):
        utils.schema_contents = functools.lru_cache(maxsize=None)(utils.schema_contents)
    return utils


def validate(objects):
    errors = []
    utils = _validator_module()
    for obj in objects:
        key = (obj.get("apiVersion"), obj.get("kind"))
        if key in CUSTOM_KINDS:
            errors += [f"{ident(obj)}: {problem}" for problem in custom_resource_problems(obj)]
            continue
        try:
            utils.validate(obj, KUBERNETES_VERSION, strict=True)
        except utils.ValidationError as e:
            path = ".".join(str(p) for p in e.path)
            errors.append(f"{ident(obj)} does not validate against Kubernetes {KUBERNETES_VERSION} (strict): "
                          f"{path}: {e.message}")
        except utils.SchemaNotFoundError as e:
            errors.append(f"{ident(obj)}: unknown kind for Kubernetes {KUBERNETES_VERSION}: {e.message}")
    return errors + references(objects)


def custom_resource_problems(obj):
    kind, spec = obj["kind"], obj.get("spec") or {}
    problems = []
    if not obj.get("metadata", {}).get("name"):
        problems.append("no metadata.name")
    if kind == "Issuer":
        issuer_types = [t for t in ("selfSigned", "ca", "acme", "vault", "venafi") if t in spec]
        if len(issuer_types) != 1:
            problems.append(f"an Issuer needs exactly one issuer type, has {issuer_types}")
        if "ca" in spec and not spec["ca"].get("secretName"):
            problems.append("a CA Issuer needs spec.ca.secretName")
    elif kind == "Certificate":
        if not spec.get("secretName"):
            problems.append("no spec.secretName")
        if not (spec.get("issuerRef") or {}).get("name"):
            problems.append("no spec.issuerRef.name")
        if not spec.get("dnsNames") and not spec.get("commonName"):
            problems.append("neither dnsNames nor commonName")
    elif kind == "ServiceMonitor":
        if not spec.get("selector"):
            problems.append("no spec.selector")
        if not spec.get("endpoints") or not all(e.get("port") for e in spec["endpoints"]):
            problems.append("every endpoint needs a named port")
    elif kind == "Gateway":
        if not spec.get("gatewayClassName"):
            problems.append("no spec.gatewayClassName")
        for listener in spec.get("listeners") or [{}]:
            if not all(listener.get(f) for f in ("name", "port", "protocol")):
                problems.append(f"listener {listener} needs name, port and protocol")
    elif kind in ("HTTPRoute", "TLSRoute"):
        if not spec.get("parentRefs"):
            problems.append("no spec.parentRefs")
        if not all(rule.get("backendRefs") for rule in spec.get("rules") or [{}]):
            problems.append("every rule needs backendRefs")
    elif kind == "Kustomization":
        if not spec.get("path") or not spec.get("sourceRef"):
            problems.append("needs spec.path and spec.sourceRef")
    elif kind == "GitRepository":
        if not spec.get("url"):
            problems.append("no spec.url")
    elif kind == "ApplicationSet":
        if not spec.get("generators") or not spec.get("template"):
            problems.append("needs spec.generators and spec.template")
    return problems


def service_has_port(objects, namespace, name, port):
    service = named(objects, "Service", name, namespace)
    if service is None:
        return False
    return any(port in (p.get("name"), p.get("port")) for p in service["spec"].get("ports") or [])


def references(objects):
    """Objects that name others: the others exist in the same namespace."""
    errors = []
    for cert in of_kind(objects, "Certificate"):
        ref = cert["spec"].get("issuerRef") or {}
        if ref.get("kind", "Issuer") == "Issuer" and not named(objects, "Issuer", ref.get("name"), namespace_of(cert)):
            errors.append(f"{ident(cert)}: its Issuer {ref.get('name')} is not in the same namespace")
    certificate_secrets = {(namespace_of(c), c["spec"].get("secretName")) for c in of_kind(objects, "Certificate")}
    for issuer in of_kind(objects, "Issuer"):
        secret = (issuer["spec"].get("ca") or {}).get("secretName")
        if secret and (namespace_of(issuer), secret) not in certificate_secrets:
            errors.append(f"{ident(issuer)}: no Certificate makes its CA Secret {secret}")
    for ingress in of_kind(objects, "Ingress"):
        for rule in ingress["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                service = path["backend"].get("service") or {}
                port = service.get("port", {}).get("name") or service.get("port", {}).get("number")
                if not service_has_port(objects, namespace_of(ingress), service.get("name"), port):
                    errors.append(f"{ident(ingress)}: backend {service.get('name')}:{port} is no Service port")
    for route in of_kind(objects, "HTTPRoute", "TLSRoute"):
        for parent in route["spec"].get("parentRefs") or []:
            if not named(objects, "Gateway", parent.get("name"), namespace_of(route)):
                errors.append(f"{ident(route)}: parent Gateway {parent.get('name')} not found")
        for rule in route["spec"].get("rules") or []:
            for backend in rule.get("backendRefs") or []:
                if not service_has_port(objects, namespace_of(route), backend.get("name"), backend.get("port")):
                    errors.append(f"{ident(route)}: backend {backend.get('name')}:{backend.get('port')} "
                                  "is no Service port")
    for monitor in of_kind(objects, "ServiceMonitor"):
        services = [s for s in of_kind(objects, "Service") if namespace_of(s) == namespace_of(monitor)
                    and selects(monitor["spec"].get("selector"), s["metadata"].get("labels") or {})]
        for endpoint in monitor["spec"].get("endpoints") or []:
            if not any(service_has_port(objects, namespace_of(s), s["metadata"]["name"], endpoint.get("port"))
                       for s in services):
                errors.append(f"{ident(monitor)}: no selected Service has port {endpoint.get('port')}")
    for service in of_kind(objects, "Service"):
        selector = service["spec"].get("selector")
        if selector and not any(namespace_of(w) == namespace_of(service)
                                and selects({"matchLabels": selector}, w["spec"]["template"]["metadata"].get("labels") or {})
                                for w in of_kind(objects, "Deployment", "StatefulSet")):
            errors.append(f"{ident(service)}: its selector matches no pod")
    return errors
