"""Checks the shipped deployment files as their platforms would read them.

Kubernetes: every plain manifest against the Kubernetes OpenAPI schemas (kubernetes-validate,
strict: unknown fields are errors). The Argo CronWorkflow is a custom resource those schemas
do not describe, so each of its templates is checked as the Pod Argo would make of it (the
workflow's pod securityContext, volumes and service account, Argo's executor containers, the
template's container, then the template's podSpecPatch), every container against the
restricted Pod Security Standard the namespace enforces, and its DAG for the order the
nightly run needs.

AWS Batch: the job definition and every submission against botocore's model of
RegisterJobDefinition and SubmitJob, and their commands for what the image needs (no shell);
submit.sh run against a recording `aws` for the order it chains the jobs in.

usage: python tests/deploy/check.py   (from the repository root; exits non-zero on a failure)
"""

import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

import botocore.session
import botocore.validate
import kubernetes_validate
import yaml

failures = []


def fail(where, why):
    failures.append(f"{where}: {why}")


def validate_k8s(where, resource):
    try:
        kubernetes_validate.validate(resource, "1.33", strict=True)
    except kubernetes_validate.ValidationError as e:
        fail(where, e.message)


def check_restricted(where, container, pod_security):
    """What the restricted Pod Security Standard asks of every container, and bounded use."""
    hardened = container.get("securityContext") or {}
    if hardened.get("allowPrivilegeEscalation") is not False:
        fail(where, "allowPrivilegeEscalation must be false")
    if hardened.get("capabilities", {}).get("drop") != ["ALL"]:
        fail(where, "every capability must be dropped")
    if not (hardened.get("runAsNonRoot") or pod_security.get("runAsNonRoot")):
        fail(where, "must run as non-root")
    seccomp = hardened.get("seccompProfile") or pod_security.get("seccompProfile") or {}
    if seccomp.get("type") != "RuntimeDefault":
        fail(where, "needs the RuntimeDefault seccomp profile")
    resources = container.get("resources") or {}
    for kind in ("requests", "limits"):
        if not {"cpu", "memory"} <= set(resources.get(kind, {})):
            fail(where, f"needs cpu and memory {kind}")


def check_container(where, container, pod_security):
    check_restricted(where, container, pod_security)
    if (container.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
        fail(where, "readOnlyRootFilesystem must be true")
    image = container.get("image", "")
    tag = image.rsplit("/", 1)[-1]
    if ":" not in tag or tag.endswith(":latest"):
        fail(where, f"image `{image}` is not pinned to a version")
    if container.get("command") or any("sh -c" in str(a) for a in container.get("args", [])):
        fail(where, "the image has no shell: give tenantguard's arguments, not a command")


# Argo's executor as the controller adds it to every pod when its configuration sets no
# `executor` (the default): an `init` container and a `wait` sidecar, no security context.
ARGOEXEC = {"image": "quay.io/argoproj/argoexec:v3.7.3", "command": ["argoexec"]}


def merge_by_name(base, patch):
    """A strategic merge patch as Kubernetes applies one to a PodSpec: maps merge key by key,
    container lists merge by container name, anything else is replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge_by_name(base[key], value) if key in base else value
        return out
    if isinstance(base, list) and isinstance(patch, list) and all("name" in c for c in base + patch):
        out = [dict(c) for c in base]
        for item in patch:
            at = next((i for i, c in enumerate(out) if c["name"] == item["name"]), None)
            if at is None:
                out.append(item)
            else:
                out[at] = merge_by_name(out[at], item)
        return out
    return patch


def check_kubernetes():
    for path in sorted(glob.glob("deploy/kubernetes/*.yaml")):
        for doc in yaml.safe_load_all(open(path)):
            if doc is None:
                continue
            where = f"{path} {doc['kind']}/{doc['metadata']['name']}"
            if doc["kind"] != "CronWorkflow":
                validate_k8s(where, doc)
                continue
            spec = doc["spec"]["workflowSpec"]
            pod_security = spec.get("securityContext", {})
            if pod_security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
                fail(where, "the pods need the RuntimeDefault seccomp profile")
            templates = {t["name"]: t for t in spec["templates"]}
            for name, template in templates.items():
                if "container" not in template:
                    continue
                container = copy.deepcopy(template["container"])
                container["name"] = "main"
                check_container(f"{where} template {name}", container, pod_security)
                pod_spec = {
                    "serviceAccountName": spec["serviceAccountName"],
                    "restartPolicy": "Never",
                    "securityContext": pod_security,
                    "volumes": spec.get("volumes", []),
                    "initContainers": [{"name": "init", **ARGOEXEC, "args": ["init"]}],
                    "containers": [{"name": "wait", **ARGOEXEC, "args": ["wait"]}, container],
                }
                if "podSpecPatch" in template:
                    pod_spec = merge_by_name(pod_spec, yaml.safe_load(template["podSpecPatch"]))
                for executor in pod_spec["initContainers"] + pod_spec["containers"][:1]:
                    check_restricted(f"{where} template {name} Argo's `{executor['name']}`", executor, pod_security)
                pod = {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"tenantguard-{name}", "namespace": doc["metadata"]["namespace"]},
                    "spec": pod_spec,
                }
                validate_k8s(f"{where} template {name} as a Pod", pod)
            # The order: the organization read, then every shard, then the merge, then the scan.
            tasks = {t["name"]: t for t in templates[spec["entrypoint"]]["dag"]["tasks"]}
            want = {"collect": "organization", "merge": "collect", "scan": "merge"}
            for task, before in want.items():
                if tasks.get(task, {}).get("depends") != before:
                    fail(where, f"task `{task}` must depend on `{before}` alone")
            merge = templates[tasks["merge"]["template"]]["container"]["args"]
            if "--shards" not in merge or merge[merge.index("--shards") + 1] != "{{workflow.parameters.shards}}":
                fail(where, "the merge must expect every shard (--shards N)")
            if tasks["collect"].get("withSequence", {}).get("end") != "{{workflow.parameters.shards}}":
                fail(where, "one collect task per shard")


def check_batch():
    model = botocore.session.get_session().get_service_model("batch")
    definition_path = "deploy/aws-batch/job-definition.json"
    definition = json.load(open(definition_path))
    shape = model.operation_model("RegisterJobDefinition").input_shape
    try:
        botocore.validate.validate_parameters(definition, shape)
    except botocore.exceptions.ParamValidationError as e:
        fail(definition_path, str(e))
    defaults = definition.get("parameters", {})
    submit_shape = model.operation_model("SubmitJob").input_shape
    commands = {}
    for path in sorted(glob.glob("deploy/aws-batch/submit-*.json")):
        submission = json.load(open(path))
        try:
            botocore.validate.validate_parameters(submission, submit_shape)
        except botocore.exceptions.ParamValidationError as e:
            fail(path, str(e))
        command = submission.get("containerOverrides", {}).get("command") or definition["containerProperties"]["command"]
        parameters = {**defaults, **submission.get("parameters", {})}
        for word in command:
            if word.startswith("Ref::") and word[5:] not in parameters:
                fail(path, f"`{word}` has no parameter")
        if any(word in ("sh", "/bin/sh", "bash") for word in command):
            fail(path, "the image has no shell")
        commands[path] = [parameters.get(w[5:], w) if w.startswith("Ref::") else w for w in command]
        array = submission.get("arrayProperties", {}).get("size")
        if array is not None and str(array) != parameters.get("shards"):
            fail(path, f"an array of {array} copies for {parameters.get('shards')} shards")
    json.dump(commands, open(sys.argv[1], "w")) if len(sys.argv) > 1 else None


def check_batch_submit():
    """Runs submit.sh with an `aws` that records each submission and answers a job id: four
    jobs, each depending on the one before, every S3 path under the run's own prefix."""
    where = "deploy/aws-batch/submit.sh"
    with tempfile.TemporaryDirectory() as tmp:
        fake = os.path.join(tmp, "aws")
        with open(fake, "w") as f:
            f.write(
                "#!/usr/bin/env bash\n"
                'n=$(($(ls "$LOG" | wc -l) + 1))\n'
                'file="${4#file://}"\n'
                '{ printf "%s\\n" "$@"; echo ---; cat "$file"; } > "$LOG/$n"\n'
                'echo "job-$n"\n'
            )
        os.chmod(fake, 0o755)
        log = os.path.join(tmp, "log")
        os.mkdir(log)
        env = {**os.environ, "PATH": f"{tmp}:{os.environ['PATH']}", "LOG": log}
        run = subprocess.run(["bash", where, "2026-12-08"], env=env, capture_output=True, text=True)
        if run.returncode != 0:
            fail(where, f"exit {run.returncode}: {run.stderr.strip()}")
            return
        calls = [open(os.path.join(log, str(n))).read() for n in range(1, len(os.listdir(log)) + 1)]
        if len(calls) != 4:
            fail(where, f"{len(calls)} submissions, not 4")
            return
        for n, call in enumerate(calls, 1):
            args, body = call.split("---\n", 1)
            depends = f"--depends-on\njobId=job-{n - 1}\n"
            if (n > 1) != (depends in args):
                fail(where, f"submission {n} must depend on job {n - 1} alone")
            if "/runs/RUN/" in body or ("/runs/" in body and "/runs/2026-12-08/" not in body):
                fail(where, f"submission {n} does not write under the run's prefix")
        if "job-4" not in run.stdout:
            fail(where, "does not say the jobs it submitted")


check_kubernetes()
check_batch()
check_batch_submit()
for f in failures:
    print(f"FAIL {f}")
print(f"deployment files: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
