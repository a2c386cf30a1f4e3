"""The dashboard in a real headless browser (Debian's chromium and chromedriver, driven by Selenium).

Starts ``python -m dashboard`` on a run's outputs (``OUTAGE_OUT``, default ``out/``: the README's
run command writes it), opens every page, and checks that the figures on it are the ones pyarrow
reads from the same Parquet tables; that the drill-down's filters change what it shows; that
missing tables give a sentence, not a traceback. Screenshots of every page go to
``DASHBOARD_SCREENSHOTS`` (default ``target/dashboard-screenshots/``).
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent


def resolve(p: str) -> Path:
    path = Path(p)
    return path if path.is_absolute() else ROOT / path


OUT = resolve(os.environ.get("OUTAGE_OUT", "out"))
SHOTS = resolve(os.environ.get("DASHBOARD_SCREENSHOTS", "target/dashboard-screenshots"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
START_LIMIT_S = 10.0  # the issue: starts and answers in under 10 s on the sample
PAGE_LIMIT_S = 3.0

def committed(out: Path) -> Path:
    """The folder of the run committed in ``out`` (its manifest's ``tables``), read as any reader would."""
    manifest = out / "manifest.json"
    folder = __import__("json").loads(manifest.read_text()).get("tables") if manifest.is_file() else None
    return out / folder if folder else out


# The run's own folder: its tables, and a manifest naming the folder itself ("tables": "."), so a
# copy of some of its tables and that manifest is an output folder of its own.
TABLES = committed(OUT)

pytestmark = pytest.mark.skipif(not (OUT / "manifest.json").is_file(),
                                reason=f"no run outputs in {OUT}: run mvn -q compile exec:exec first")


def read(table: str, incident: str | None = None):
    d = ds.dataset(TABLES / table, format="parquet", partitioning="hive")
    flt = (ds.field("incident_id") == incident) if incident else None
    return d.to_table(filter=flt).to_pandas()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m dashboard`` in a child process, as the README starts it."""

    def __init__(self, out: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.started = time.monotonic()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--out", str(out),
                                      "--port", str(self.port)], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = self.started + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"dashboard did not start:\n{self.proc.stdout.read()}")
            time.sleep(0.1)
        self.answered_s = time.monotonic() - self.started

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.stdout.read() if self.proc.stdout else ""


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    downloads = tmp_path_factory.mktemp("downloads")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
              "--window-size=1400,1000", "--lang=en-US"):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    driver.downloads = downloads
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(browser):
    s = Server(OUT)
    # first page in the browser, timed from the process's start: the "starts and answers"
    browser.get(s.url + "/")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "card-net-loss")))
    s.first_page_s = time.monotonic() - s.started
    print(f"\ndashboard: HTTP answer {s.answered_s:.2f} s after start, first page drawn in the browser "
          f"{s.first_page_s:.2f} s after start (limit {START_LIMIT_S:.0f} s)")
    yield s
    log = s.stop()
    assert "Traceback" not in log, log


def incident() -> str:
    return sorted(read("incident_summary")["incident_id"].astype(str))[0]


def open_page(browser, server, path: str, ready: tuple, name: str) -> str:
    """Load a page, wait for ``ready`` (a locator), save a screenshot, return the page's text."""
    t0 = time.monotonic()
    browser.get(server.url + path)
    WebDriverWait(browser, 20).until(EC.presence_of_element_located(ready))
    wait_quiet(browser)
    took = time.monotonic() - t0
    print(f"page {path}: drawn in {took:.2f} s")
    assert took < PAGE_LIMIT_S * 2, f"{path} took {took:.1f} s"
    SHOTS.mkdir(parents=True, exist_ok=True)
    full_height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1400, max(1000, min(full_height + 40, 4000)))
    wait_quiet(browser)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(1400, 1000)
    text = browser.find_element(By.TAG_NAME, "body").text.replace("\u2212", "-")  # d3's minus sign
    assert "Traceback" not in text
    return text


def wait_quiet(browser, timeout=15):
    """Until Dash has no callback in flight and every plotly chart is drawn."""
    WebDriverWait(browser, timeout).until(lambda d: d.execute_script(
        "return document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0"
        " && Array.from(document.querySelectorAll('.dash-graph')).every("
        "   g => g.querySelector('.main-svg'))"))
    time.sleep(0.3)


def test_starts_and_answers_within_limit(server):
    assert server.first_page_s < START_LIMIT_S, f"took {server.first_page_s:.1f} s"


def test_overview_shows_the_summary_and_timeline(browser, server):
    text = open_page(browser, server, "/", (By.ID, "timeline-graph"), "1-incident-overview")
    s = read("incident_summary", incident()).iloc[0]
    cur = "USD"
    assert f"{s['net_loss']:,.0f} {cur}" in text
    assert f"{s['net_loss_low']:,.0f} {cur} to {s['net_loss_high']:,.0f} {cur}" in text
    assert f"{s['sla_credits']:,.0f} {cur}" in text
    assert f"{s['start']:%Y-%m-%d %H:%M} UTC" in text
    for col in ("time_to_detect", "time_to_acknowledge", "time_to_resolve"):
        assert f"{s[col]:,.0f} min" in text, col
    assert str(s["root_component"]) in text
    assert f"{int(s['services_down'])} services down" in text
    assert "bucket start (UTC)" in browser.page_source  # the timeline's axis says UTC
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline-graph .main-svg")) > 0


def test_sector_page_shows_each_sector_net_loss(browser, server):
    text = open_page(browser, server, "/sectors", (By.ID, "sector-table"), "2-sector-impact")
    sec = read("sector_impact", incident())
    assert "net loss (USD)" in text
    for _, r in sec.iterrows():
        assert r["sector"] in text
        assert f"{r['net_loss']:,.2f}" in text, r["sector"]
        assert f"{r['loss_share'] * 100:.1f}%" in text
    crit = read("business_impact", incident())
    n = int((crit["critical"] & crit["affected"]).sum())
    assert f"Critical businesses hit: {n}" in text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sector-loss-graph .main-svg")) > 0


def choose(browser, dropdown_id: str, label: str):
    """Pick ``label`` in a dcc.Dropdown as a person would: open it, type, click the option."""
    browser.find_element(By.ID, dropdown_id).click()
    search = WebDriverWait(browser, 5).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "input.dash-dropdown-search"))
    search.send_keys(label)
    option = WebDriverWait(browser, 5).until(lambda d: next(
        (o for o in d.find_elements(By.CSS_SELECTOR, "[role='option']") if o.text.strip() == label),
        None))
    option.click()
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    WebDriverWait(browser, 5).until(
        lambda d: d.find_element(By.ID, dropdown_id).get_attribute("aria-expanded") == "false")
    wait_quiet(browser)


def shown_count(browser) -> int:
    summary = browser.find_element(By.ID, "biz-summary").text
    return int(summary.split()[0])


def first_row_business(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, "#biz-table td[data-dash-column='business_id']").text


def test_drilldown_filters_sort_and_export(browser, server):
    text = open_page(browser, server, "/businesses", (By.ID, "biz-table"), "3-business-drilldown")
    b = read("business_impact", incident())
    cur = "USD"
    assert f"{len(b)} businesses shown, sorted by net loss" in text
    assert f"net loss {b['net_loss'].sum():,.0f} {cur}" in text
    assert f"SLA credits {b['sla_credit'].sum():,.0f} {cur}" in text
    top = b.sort_values(["net_loss", "business_id"], ascending=[False, True]).iloc[0]
    assert first_row_business(browser) == top["business_id"]
    assert f"{top['net_loss']:,.2f}" in text

    # a sector filter: the count, the totals and the first row follow
    sector = b.groupby("sector")["net_loss"].sum().sort_values().index[0]  # not the top's sector
    choose(browser, "f-sector", sector)
    part = b[b["sector"] == sector]
    WebDriverWait(browser, 10).until(lambda d: shown_count(d) == len(part))
    summary = browser.find_element(By.ID, "biz-summary").text
    assert f"net loss {part['net_loss'].sum():,.0f} {cur}" in summary
    assert first_row_business(browser) == \
        part.sort_values(["net_loss", "business_id"], ascending=[False, True]).iloc[0]["business_id"]
    cells = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "#biz-table td[data-dash-column='sector']")}
    assert cells == {sector}
    browser.save_screenshot(str(SHOTS / "3b-business-drilldown-filtered.png"))

    # and a region on top of it
    region = sorted(part["region"].dropna().unique())[0]
    choose(browser, "f-region", region)
    both = part[part["region"] == region]
    WebDriverWait(browser, 10).until(lambda d: shown_count(d) == len(both))

    # sort by SLA credit
    choose(browser, "f-sort", "SLA credit")
    best = both.sort_values(["sla_credit", "business_id"], ascending=[False, True]).iloc[0]
    WebDriverWait(browser, 10).until(lambda d: first_row_business(d) == best["business_id"])

    # export: the CSV holds exactly the rows shown
    browser.execute_cdp_cmd("Page.setDownloadBehavior",
                            {"behavior": "allow", "downloadPath": str(browser.downloads)})
    browser.find_element(By.ID, "export-btn").click()
    target = browser.downloads / f"business_impact_{incident()}.csv"
    WebDriverWait(browser, 10).until(lambda d: target.is_file() and target.stat().st_size > 0)
    rows = list(csv.DictReader(target.open()))
    assert [r["business_id"] for r in rows] == \
        list(both.sort_values(["sla_credit", "business_id"], ascending=[False, True])["business_id"])
    assert {r["currency"] for r in rows} == {cur}


def test_service_filter(browser, server):
    open_page(browser, server, "/businesses", (By.ID, "biz-table"), "3-business-drilldown")
    m = __import__("json").loads((OUT / "manifest.json").read_text())
    path = resolve(m["inputs"]["business_services"]["path"])
    files = sorted(p for p in path.rglob("*.csv")) if path.is_dir() else [path]
    if not files or files[0].suffix != ".csv":
        pytest.skip("the sample's business_services is CSV; other formats are not re-read here")
    # rows of the wrong shape are ones the job rejects (malformed_row); the dashboard skips them too
    pairs = [r for f in files for r in csv.DictReader(f.open())
             if None not in r and None not in r.values()]
    b = read("business_impact", incident())
    service = "gaming"
    ids = {r["business_id"] for r in pairs if r["service"] == service}
    want = int(b["business_id"].isin(ids).sum())
    assert 0 < want < len(b)
    choose(browser, "f-service", service)
    WebDriverWait(browser, 10).until(lambda d: shown_count(d) == want)


def test_cascade_shows_graph_paths_and_candidates(browser, server):
    text = open_page(browser, server, "/cascade", (By.ID, "candidates-table"), "4-cascade")
    imp = read("service_impact", incident())
    for _, r in imp[imp["state"] != "up"].iterrows():
        assert " → ".join(r["path"]) in text, r["component"]
    c = read("root_cause_candidates", incident()).sort_values("rank")
    top = c.iloc[0]
    assert f"{top['score']:.3f}" in text and top["component"] in text
    svg = browser.find_element(By.CSS_SELECTOR, "#cascade-graph .main-svg").get_attribute("innerHTML")
    for comp in imp["component"]:
        assert f">{comp}<" in svg, comp  # every component is drawn, labelled


def test_insured_page_shows_payouts_and_the_duration_curve(browser, server):
    text = open_page(browser, server, "/insured", (By.ID, "duration-table"), "5-insured-duration")
    if (TABLES / "insured_sector_impact").is_dir():
        ins = read("insured_sector_impact", incident())
        for _, r in ins.iterrows():
            assert r["sector"] in text
            assert f"{r['insured_loss']:,.2f}" in text, r["sector"]
            assert f"{r['net_loss']:,.2f}" in text, r["sector"]
        assert f"policies pay {ins['insured_loss'].sum():,.0f} USD" in text
        assert len(browser.find_elements(By.CSS_SELECTOR, "#insured-graph .main-svg")) > 0
    else:
        assert "only with a policies input" in text
    d = read("duration_scenarios", incident())
    for _, r in d[d["sector"] == "ALL"].iterrows():
        assert f"{r['net_loss']:,.2f}" in text, r["duration_hours"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#duration-graph .main-svg")) > 0


def test_missing_and_empty_outputs_give_a_message(browser, tmp_path):
    """A folder without outputs, and one whose impact tables are gone: words, not a traceback."""
    empty = tmp_path / "empty"
    empty.mkdir()
    partial = tmp_path / "partial"
    for t in ("incident_summary", "timeline", "service_impact"):
        shutil.copytree(TABLES / t, partial / t)
    shutil.copy(TABLES / "manifest.json", partial / "manifest.json")
    for out, expect in ((empty, "No table incident_summary"), (partial, "No table sector_impact")):
        s = Server(out)
        try:
            for path in ("/", "/sectors", "/businesses", "/cascade", "/insured"):
                browser.get(s.url + path)
                WebDriverWait(browser, 15).until(
                    EC.presence_of_element_located((By.CSS_SELECTOR, "#page .missing, #page .card")))
                wait_quiet(browser)
                text = browser.find_element(By.TAG_NAME, "body").text
                assert "Traceback" not in text
                if path == "/sectors":
                    assert expect in text, text
                if out is partial and path == "/cascade":
                    assert "No table root_cause_candidates" in text
        finally:
            log = s.stop()
        assert "Traceback" not in log, log


def test_incident_picker_switches_incident(browser, tmp_path):
    """Two incidents in one output folder (the sample's, and a copy under another id): pick one."""
    two = tmp_path / "two"
    first = incident()
    other = first + "-copy"
    for table in ("incident_summary", "timeline", "sector_impact", "business_impact",
                  "service_impact", "root_cause_candidates"):
        src = TABLES / table / f"incident_id={first}"
        shutil.copytree(src, two / table / f"incident_id={first}")
        shutil.copytree(src, two / table / f"incident_id={other}")
    shutil.copy(TABLES / "manifest.json", two / "manifest.json")
    s = Server(two)
    try:
        browser.get(s.url + "/sectors")
        WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "sector-table")))
        wait_quiet(browser)
        assert browser.find_element(By.ID, "page-title").text.endswith(first)
        choose(browser, "incident", other)
        WebDriverWait(browser, 10).until(
            lambda d: d.find_element(By.ID, "page-title").text.endswith(other))
        assert browser.find_elements(By.ID, "sector-table")
    finally:
        log = s.stop()
    assert "Traceback" not in log, log
