"""The installable web app: manifest, icons, service worker, offline page, links in every page."""

import io

from PIL import Image


def test_manifest_icons_service_worker_and_offline_page(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    data = manifest.get_json(force=True)
    assert data["name"] == "Impactbeurs" and data["start_url"] and data["display"] == "standalone"
    sizes = {}
    for icon in data["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200 and icon["type"] == "image/png"
        with Image.open(io.BytesIO(response.data)) as image:
            sizes[icon["sizes"]] = image.size
    assert sizes == {"192x192": (192, 192), "512x512": (512, 512)}
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert worker.headers["Service-Worker-Allowed"] == "/"
    script = worker.get_data(as_text=True)
    assert '"/offline"' in script and "navigate" in script and "caches" in script
    # The precache goes without cookies: a cached page's answer must not be able to put an older
    # session cookie back over a log-in's (a race seen in the browser tests).
    assert 'credentials: "omit"' in script
    offline = client.get("/offline")
    assert offline.status_code == 200


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    app_js = client.get("/static/js/app.js").get_data(as_text=True)
    assert 'serviceWorker.register("/sw.js"' in app_js
