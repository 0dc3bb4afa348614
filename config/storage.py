"""Static files storage that tolerates viewflow's shipped ``node_modules`` leftovers."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ViewflowSafeManifestStorage(CompressedManifestStaticFilesStorage):
    """Manifest storage that does not post-process viewflow's stray vendor files.

    django-viewflow ships CSS that references fonts under ``node_modules`` paths
    which are not in the wheel; hashing those CSS files raises MissingFileError.
    Files under a ``node_modules`` folder are copied as they are instead.
    """

    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            # A reference to a file that does not exist: keep the name unhashed.
            return name

    def post_process(self, paths, dry_run=False, **options):
        kept = {p: v for p, v in paths.items() if "node_modules" not in p}
        yield from super().post_process(kept, dry_run=dry_run, **options)
