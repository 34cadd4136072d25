"""The deploy/ files are valid: compose parses, Kubernetes manifests validate against the
Kubernetes schemas, the entrypoint passes shellcheck, the image is multi-stage, non-root."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KUBERNETES_VERSION = "1.30.0"
MANIFESTS = sorted((DEPLOY / "k8s").glob("*.yaml"))


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_compose_file_parses_with_every_service():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())

    services = compose["services"]
    assert {"app", "worker", "scheduler", "postgres", "redis", "minio"} <= set(services)
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["worker"]["command"] == ["worker"]
    assert services["scheduler"]["command"] == ["scheduler"]
    app_environment = services["app"]["environment"]
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "S3_BUCKET"):
        assert name in app_environment, name
    assert services["worker"]["environment"]["CELERY_BROKER_URL"].startswith("redis://redis")


def test_compose_reads_only_variables_the_settings_know():
    """Every QUARTIER-side variable in compose is one the settings actually read."""
    package = DEPLOY.parent / "quartier"
    settings_source = "".join(
        path.read_text()
        for path in [
            package / "platform" / "env.py",
            *(package / "config" / "settings").glob("*.py"),
        ]
    )
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    environment = compose["services"]["app"]["environment"]
    # Read by boto3, gunicorn or the entrypoint rather than our settings.
    outside = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "WEB_CONCURRENCY"}
    unknown = [
        name for name in environment if name not in outside and f'"{name}"' not in settings_source
    ]
    assert unknown == []


def test_there_are_manifests_of_every_kind_needed():
    kinds = {doc["kind"] for path in MANIFESTS for doc in _documents(path)}

    assert {
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "Job",
        "CronJob",
        "ConfigMap",
    } <= kinds
    assert "Secret" not in kinds  # secret values never live in the repository


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
def test_kubernetes_manifest_validates_against_the_schemas(path):
    for document in _documents(path):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_web_deployment_probes_readiness_and_liveness():
    documents = _documents(DEPLOY / "k8s" / "web.yaml")
    deployment = next(doc for doc in documents if doc["kind"] == "Deployment")

    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"


def test_ingress_serves_the_wildcard_domain():
    ingress = _documents(DEPLOY / "k8s" / "ingress.yaml")[0]

    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    assert "*.quartier.example" in hosts


def test_hpa_is_autoscaling_v2():
    for doc in _documents(DEPLOY / "k8s" / "hpa.yaml"):
        assert doc["apiVersion"] == "autoscaling/v2"


def test_migration_job_runs_the_fleet_migrator():
    job = _documents(DEPLOY / "k8s" / "migrate-job.yaml")[0]

    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][-1] == "migrate_schemas"


def test_cronjobs_queue_tasks_that_exist():
    from quartier.config.celery_app import app

    app.loader.import_default_modules()
    for cronjob in _documents(DEPLOY / "k8s" / "cronjobs.yaml"):
        container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        args = container["args"]
        task_name = args[args.index("call") + 1]
        assert task_name in app.tasks, task_name
        if "--kwargs" in args:
            fanned_out = yaml.safe_load(args[args.index("--kwargs") + 1])["task_name"]
            assert fanned_out in app.tasks, fanned_out


def test_beat_schedule_names_registered_tasks(settings):
    from quartier.config.celery_app import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        if "task_name" in entry.get("kwargs", {}):
            assert entry["kwargs"]["task_name"] in app.tasks


def test_dockerfile_is_multi_stage_and_runs_as_a_non_root_user():
    dockerfile = (DEPLOY / "Dockerfile").read_text()

    stages = re.findall(
        r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", dockerfile, re.MULTILINE | re.IGNORECASE
    )
    assert len(stages) >= 2
    assert stages[-1][0] == "python:3.11-slim"
    users = re.findall(r"^USER\s+(\S+)", dockerfile, re.MULTILINE)
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert "collectstatic" in dockerfile
    assert "quartier.config.wsgi" in (DEPLOY / "docker-entrypoint.sh").read_text()


def test_caddyfile_asks_the_platform_before_on_demand_certificates():
    caddyfile = (DEPLOY / "Caddyfile").read_text()

    assert "*.{$PLATFORM_DOMAIN}" in caddyfile
    assert re.search(r"ask\s+http://\S+/internal/tls-ask", caddyfile)
    assert "on_demand" in caddyfile


@pytest.mark.skipif(
    shutil.which("shellcheck") is None,
    reason="shellcheck is not installed (scripts/ensure-shellcheck installs it as root)",
)
def test_entrypoint_passes_shellcheck():
    result = subprocess.run(  # noqa: S603
        ["shellcheck", "--shell=sh", str(DEPLOY / "docker-entrypoint.sh")],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_entrypoint_is_posix_sh_with_strict_mode():
    script = (DEPLOY / "docker-entrypoint.sh").read_text()

    assert script.startswith("#!/bin/sh\n")
    assert "set -eu" in script
    for role in ("web)", "worker)", "scheduler)", "migrate)"):
        assert role in script


def test_compose_runs_the_event_stream_under_uvicorn_behind_caddy():
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]

    events = services["events"]
    assert events["command"] == ["events"]
    assert events["expose"] == ["8001"]
    assert "8001/healthz" in events["healthcheck"]["test"][-1]
    # the same settings as the web tier (database, Redis for the live channel)
    assert events["environment"]["REDIS_URL"] == services["app"]["environment"]["REDIS_URL"]
    assert services["caddy"]["environment"]["EVENTS_UPSTREAM"] == "events:8001"
    assert "events" in services["caddy"]["depends_on"]


def test_entrypoint_serves_the_asgi_application_with_production_flags():
    script = (DEPLOY / "docker-entrypoint.sh").read_text()
    role = script[script.index("  events)") : script.index("  worker)")]

    assert "exec uvicorn quartier.config.asgi:application" in role
    flags = set(re.findall(r"--[a-z-]+", role))
    assert {"--proxy-headers", "--timeout-graceful-shutdown", "--workers"} <= flags
    # every flag is one the installed uvicorn knows
    known = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "uvicorn", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert [flag for flag in flags if flag not in known] == []


def test_kubernetes_serves_the_stream_from_its_own_deployment_unbuffered():
    documents = _documents(DEPLOY / "k8s" / "events.yaml")
    deployment = next(doc for doc in documents if doc["kind"] == "Deployment")
    service = next(doc for doc in documents if doc["kind"] == "Service")

    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["events"]
    assert container["ports"][0]["containerPort"] == 8001
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()

    ingresses = {
        doc["metadata"]["name"]: doc for doc in _documents(DEPLOY / "k8s" / "ingress.yaml")
    }
    events = ingresses["quartier-events"]
    assert events["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
    routes = {
        (rule["host"], path["path"], path["backend"]["service"]["name"])
        for rule in events["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert routes == {
        ("quartier.example", "/events/stream/", service["metadata"]["name"]),
        ("*.quartier.example", "/events/stream/", service["metadata"]["name"]),
    }


def test_caddyfile_sends_the_stream_to_uvicorn_unbuffered():
    caddyfile = (DEPLOY / "Caddyfile").read_text()

    stream = re.search(r"handle /events/stream/\* \{(.*?)\n\t\}\n", caddyfile, re.DOTALL)
    assert stream, "the stream's path needs its own handle block"
    block = stream.group(1)
    assert "reverse_proxy {$EVENTS_UPSTREAM}" in block
    assert "flush_interval -1" in block
    assert "encode" not in block  # compression would hold events back
    # the stream's block comes before the catch-all one that goes to gunicorn
    assert caddyfile.index("handle /events/stream/*") < caddyfile.index("handle {")
    assert "reverse_proxy {$UPSTREAM}" in caddyfile[caddyfile.index("handle {") :]
