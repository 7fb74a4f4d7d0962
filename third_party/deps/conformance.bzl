"""Exposes the shared conformance scenarios (../shared/conformance) to tests.

The scenarios live beside the repository, not in it: the project's steering
side updates them. TWINLOOP_CONFORMANCE_DIR overrides the location. When the
folder is missing, the repository still builds and `@conformance//:MISSING`
names the path that was tried, so the tests fail with that message instead of
a Bazel error.
"""

def _conformance_impl(ctx):
    workspace = ctx.path(Label("@//:WORKSPACE")).dirname
    wanted = ctx.os.environ.get("TWINLOOP_CONFORMANCE_DIR", "")
    path = ctx.path(wanted) if wanted else workspace.dirname.get_child("shared").get_child("conformance")
    build = ['package(default_visibility = ["//visibility:public"])', ""]
    if path.exists:
        for sub in ["node20", "pool"]:
            ctx.symlink(path.get_child(sub), sub)
            build.append('filegroup(name = "%s", srcs = glob(["%s/*.json", "%s/*.expected", "%s/*.js"]))' % (sub, sub, sub, sub))
        ctx.file("MISSING", "")
    else:
        ctx.file("MISSING", "conformance scenarios not found at %s (set TWINLOOP_CONFORMANCE_DIR)\n" % path)
        for sub in ["node20", "pool"]:
            build.append('filegroup(name = "%s", srcs = [])' % sub)
    build.append('exports_files(["MISSING"])')
    ctx.file("BUILD.bazel", "\n".join(build) + "\n")
    ctx.file("WORKSPACE", 'workspace(name = "conformance")\n')

conformance_repository = repository_rule(
    implementation = _conformance_impl,
    local = True,
    environ = ["TWINLOOP_CONFORMANCE_DIR"],
)
