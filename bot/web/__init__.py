"""The worker's read-only web view of a shared plan (``coach web``); see docs/worker-view.md."""
