"""Write the pictures in docs/explore.md: the app on the built-in model (SVG, as Textual exports
it) and the HTML map (a PNG from headless Chromium).

    python scripts/explore_captures.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from latentcli import DEFAULT_MODEL
from latentcli.api.model import Model
from latentcli.environment import Environment
from latentcli.explore.app import ExploreApp
from latentcli.render.htmlmap import map_html
from latentcli.store.resolve import open_space

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
SIZE = (100, 30)


async def capture(app: ExploreApp, keys: list[str], name: str) -> None:
    """Run ``app`` headless, press ``keys``, wait for its workers, save an SVG screenshot."""
    async with app.run_test(size=SIZE) as pilot:
        for key in ["wait:1", *keys]:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        app.save_screenshot(str(IMAGES / name))


def main() -> None:
    os.environ.pop("NO_COLOR", None)
    IMAGES.mkdir(exist_ok=True)
    model = Model(open_space(DEFAULT_MODEL, Environment(), names=True))  # as the command opens it
    walk = ExploreApp(model, ["king"])
    asyncio.run(capture(walk, ["down", "enter"], "explore-walk.svg"))
    axis = ExploreApp(model, ["king", "-", "man", "+", "woman"])
    asyncio.run(capture(axis, ["ctrl+x", *"man", "enter", *"woman", "enter"],
                        "explore-axis.svg"))
    assert axis.map_result is not None
    browser = shutil.which("chromium")
    if browser is None:
        print("no chromium: the HTML picture is not made")
        return
    with tempfile.TemporaryDirectory() as temp:
        page = Path(temp) / "map.html"
        page.write_text(map_html(axis.explorer.map(*axis.mapped, listed=True)), "utf-8")  # as saved
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={temp}/profile", "--window-size=900,640",
                        f"--screenshot={IMAGES / 'explore-page.png'}",
                        page.as_uri() + "#test=search:queen;click:queen"],
                       check=True, capture_output=True)


if __name__ == "__main__":
    main()
