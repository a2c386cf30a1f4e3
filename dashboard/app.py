"""The dashboard: five pages on one run's outputs, built with Dash (Flask + Plotly).

Every page is rendered from the Parquet tables on each visit (``data.Outputs``), for the incident
picked in the header. A page that cannot be drawn, because a table is missing or empty or for any
other reason, says so in words where the chart would be; no traceback reaches the browser.
"""

from __future__ import annotations

import io
import logging
import traceback

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Dash, Input, Output, State, dash_table, dcc, html, no_update
from dash.dash_table.Format import Format, Group, Scheme
from plotly.subplots import make_subplots

from .data import Missing, Outputs

log = logging.getLogger("dashboard")

PAGES = [("/", "Incident overview"), ("/sectors", "Sector impact"),
         ("/businesses", "Business drill-down"), ("/cascade", "Cascade"),
         ("/insured", "Insured and duration")]
STATE_COLOUR = {"down": "#d62728", "degraded": "#ff7f0e", "up": "#2ca02c"}
VALUE_BUCKET = "1h"  # transaction value is summed per hour on the overview, like the notebooks


# -- formatting: one place, so that every page writes money and times the same way ----------------
def money(v, cur: str, digits: int = 0) -> str:
    return "n/a" if v is None or pd.isna(v) else f"{v:,.{digits}f} {cur}"


def minutes(v) -> str:
    return "n/a" if v is None or pd.isna(v) else f"{v:,.0f} min"


def utc(ts) -> str:
    return "n/a" if ts is None or pd.isna(ts) else f"{pd.Timestamp(ts):%Y-%m-%d %H:%M} UTC"


def note(message: str) -> html.Div:
    """The sentence shown instead of a chart or table that cannot be drawn."""
    return html.Div(message, className="missing")


def card(label: str, value: str, sub: str = "", cid: str | None = None) -> html.Div:
    kids = [html.Div(label, className="card-label"), html.Div(value, className="card-value")]
    if sub:
        kids.append(html.Div(sub, className="card-sub"))
    return html.Div(kids, className="card", **({"id": cid} if cid else {}))


def money_columns(frame: pd.DataFrame, names: dict[str, str], money_cols: set[str], cur: str,
                  pct_cols: frozenset = frozenset(), int_cols: frozenset = frozenset()) -> list[dict]:
    cols = []
    for c, label in names.items():
        spec = {"name": label, "id": c}
        if c in money_cols:
            spec.update(name=f"{label} ({cur})", type="numeric",
                        format=Format(precision=2, scheme=Scheme.fixed, group=Group.yes))
        elif c in pct_cols:
            spec.update(type="numeric", format=Format(precision=1, scheme=Scheme.percentage))
        elif c in int_cols:
            spec.update(type="numeric", format=Format(precision=0, scheme=Scheme.fixed, group=Group.yes))
        cols.append(spec)
    return cols


def table(tid: str, frame: pd.DataFrame, columns: list[dict], page_size: int = 15, **kw):
    text_cols = [c["id"] for c in columns if c.get("type") != "numeric"
                 and not pd.api.types.is_numeric_dtype(frame[c["id"]])]
    return dash_table.DataTable(
        style_cell_conditional=[{"if": {"column_id": c}, "textAlign": "left"} for c in text_cols],
        id=tid, data=frame.to_dict("records"), columns=columns, page_size=page_size,
        sort_action="native", style_table={"overflowX": "auto"},
        style_cell={"fontFamily": "inherit", "fontSize": "13px", "padding": "4px 8px"},
        style_header={"fontWeight": "600", "backgroundColor": "#f2f4f7"}, **kw)


def graph(gid: str, fig: go.Figure) -> dcc.Graph:
    fig.update_layout(template="plotly_white", margin=dict(l=60, r=20, t=50, b=40))
    return dcc.Graph(id=gid, figure=fig, config={"displaylogo": False})


# -- pages ------------------------------------------------------------------------------------------
def overview(o: Outputs, incident: str, cur: str):
    s = o.table("incident_summary", [
        "incident_id", "root_component", "scope", "regions", "start", "end", "duration_minutes",
        "time_to_detect", "time_to_acknowledge", "time_to_resolve", "services_down",
        "services_degraded", "impaired_services", "affected_businesses", "critical_affected",
        "expected_value", "net_loss", "net_loss_low", "net_loss_high", "sla_credits"], incident)
    if isinstance(s, Missing):
        return [note(s.message)]
    inc = s.iloc[0]
    cards = html.Div([
        card("Outage (UTC)", f"{utc(inc['start'])} to {pd.Timestamp(inc['end']):%H:%M} UTC"
             if pd.notna(inc["end"]) else utc(inc["start"]),
             f"{minutes(inc['duration_minutes'])}, {inc['scope']} ({inc['regions'] or 'no region'})",
             cid="card-window"),
        card("Root component", str(inc["root_component"] or "unknown"),
             f"impaired: {inc['impaired_services']}", cid="card-root"),
        card("Time to detect", minutes(inc["time_to_detect"]), "first alarm after the start",
             cid="card-detect"),
        card("Time to acknowledge", minutes(inc["time_to_acknowledge"]), "first status update",
             cid="card-ack"),
        card("Time to resolve", minutes(inc["time_to_resolve"]), "'resolved' update",
             cid="card-resolve"),
        card("Net loss", money(inc["net_loss"], cur),
             f"90% interval {money(inc['net_loss_low'], cur)} to {money(inc['net_loss_high'], cur)}",
             cid="card-net-loss"),
        card("SLA credits", money(inc["sla_credits"], cur), "owed to affected businesses",
             cid="card-sla"),
        card("Businesses affected", "n/a" if pd.isna(inc["affected_businesses"])
             else f"{int(inc['affected_businesses']):,}",
             "n/a" if pd.isna(inc["critical_affected"]) else f"{int(inc['critical_affected'])} critical",
             cid="card-affected"),
        card("Components down", "n/a" if pd.isna(inc["services_down"]) else
             f"{int(inc['services_down'])} services down",
             "n/a" if pd.isna(inc["services_degraded"]) else f"{int(inc['services_degraded'])} degraded",
             cid="card-down"),
    ], className="cards")
    out = [cards]

    t = o.table("timeline", [
        "bucket_start", "service", "reports", "expected_reports", "txn_value", "expected_txn_value",
        "expected_txn_value_low", "expected_txn_value_high", "components_down"], incident)
    if isinstance(t, Missing):
        out.append(note(t.message))
    else:
        out.append(graph("timeline-graph", timeline_figure(t, incident, cur)))

    metrics = pd.Series({"detect": inc["time_to_detect"], "acknowledge": inc["time_to_acknowledge"],
                         "resolve": inc["time_to_resolve"]}, dtype="float64").dropna()
    fig = go.Figure(go.Bar(x=metrics.values, y=metrics.index, orientation="h",
                           text=[minutes(v) for v in metrics.values], textposition="outside",
                           marker_color=["#9467bd", "#ff7f0e", "#1f77b4"][:len(metrics)]))
    if pd.notna(inc["duration_minutes"]):
        fig.add_vline(x=inc["duration_minutes"], line_dash="dot", line_color="#d62728",
                      annotation_text=f"outage length {minutes(inc['duration_minutes'])}")
    fig.update_layout(title="Response times (minutes from the outage's start)", height=260,
                      xaxis_title="minutes", yaxis=dict(autorange="reversed"))
    out.append(graph("response-graph", fig))
    return out


def timeline_figure(t: pd.DataFrame, incident: str, cur: str) -> go.Figure:
    t = t.sort_values(["bucket_start", "service"])
    per = t.groupby("bucket_start").agg(
        reports=("reports", "sum"), expected_reports=("expected_reports", lambda s: s.sum(min_count=1)),
        components_down=("components_down", "max"))
    starts = per.index.to_series()
    bucket = starts.diff().median() if len(starts) > 1 else pd.Timedelta(minutes=5)
    # value per hour; the band combines the buckets' 90% half-widths as independent errors (as the
    # overview notebook does: the outputs give an interval per bucket and service, not for sums)
    part = t.set_index("bucket_start")
    half = (part["expected_txn_value_high"] - part["expected_txn_value_low"]) / 2
    v = pd.DataFrame({"txn": part["txn_value"], "exp": part["expected_txn_value"], "hsq": half ** 2}) \
        .resample(VALUE_BUCKET, origin="start").sum(min_count=1)
    spread = np.sqrt(v["hsq"])

    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, row_heights=[0.4, 0.4, 0.2],
                        vertical_spacing=0.06)
    fig.add_trace(go.Scatter(x=per.index, y=per["reports"], name="reports", line_shape="hv", mode="lines",
                             line_color="#1f77b4"), 1, 1)
    fig.add_trace(go.Scatter(x=per.index, y=per["expected_reports"], name="expected reports",
                             line_shape="hv", mode="lines", line=dict(color="#555", dash="dash")), 1, 1)
    fig.add_trace(go.Scatter(x=v.index, y=v["exp"] + spread, line_shape="hv", mode="lines", line_width=0,
                             showlegend=False, hoverinfo="skip"), 2, 1)
    fig.add_trace(go.Scatter(x=v.index, y=v["exp"] - spread, line_shape="hv", mode="lines", line_width=0,
                             fill="tonexty", fillcolor="rgba(120,120,120,0.25)",
                             name="expected, 90% band"), 2, 1)
    fig.add_trace(go.Scatter(x=v.index, y=v["exp"], name="expected value", line_shape="hv", mode="lines",
                             line=dict(color="#333", dash="dash")), 2, 1)
    fig.add_trace(go.Scatter(x=v.index, y=v["txn"], name="succeeded value", line_shape="hv", mode="lines",
                             line_color="#2ca02c"), 2, 1)
    fig.add_trace(go.Scatter(x=per.index, y=per["components_down"], name="components down",
                             line_shape="hv", mode="lines", line_color="#d62728"), 3, 1)
    down = per["components_down"].fillna(0) > 0
    begin = None
    for at, is_down in list(down.items()) + [(per.index[-1] + bucket, False)]:
        if is_down and begin is None:
            begin = at
        elif not is_down and begin is not None:
            fig.add_vrect(x0=begin, x1=at, fillcolor="#d62728", opacity=0.08, line_width=0)
            begin = None
    mins = int(bucket.total_seconds() // 60)
    fig.update_yaxes(title_text=f"reports per {mins} min", row=1, col=1)
    fig.update_yaxes(title_text=f"{cur} per hour", row=2, col=1)
    fig.update_yaxes(title_text="components down", row=3, col=1, rangemode="tozero")
    fig.update_xaxes(title_text="bucket start (UTC)", row=3, col=1)
    fig.update_layout(height=640, title=f"{incident}: reports, and succeeded transaction value "
                      f"({cur} per hour) against expected with its 90% band; shaded: components down",
                      legend=dict(orientation="h", y=-0.12), hovermode="x unified")
    return fig


SECTOR_COLS = ["sector", "businesses", "affected_businesses", "critical_affected", "expected_value",
               "actual_value", "gross_loss", "recovered", "net_loss", "net_loss_low", "net_loss_high",
               "sla_credits", "loss_share", "revenue_share"]


def sectors(o: Outputs, incident: str, cur: str):
    s = o.table("sector_impact", SECTOR_COLS, incident)
    if isinstance(s, Missing):
        return [note(s.message)]
    s = s.sort_values("net_loss", ascending=False)
    fig = go.Figure(go.Bar(
        x=s["sector"], y=s["net_loss"], marker_color="#9467bd", name="net loss",
        error_y=dict(type="data", symmetric=False, array=s["net_loss_high"] - s["net_loss"],
                     arrayminus=s["net_loss"] - s["net_loss_low"], color="#222")))
    fig.update_layout(title=f"Net loss per sector with its 90% interval ({cur})",
                      yaxis_title=f"net loss ({cur})", height=380)
    share = go.Figure([
        go.Bar(x=s["sector"], y=s["loss_share"], name="share of the net loss", marker_color="#d62728"),
        go.Bar(x=s["sector"], y=s["revenue_share"], name="share of expected revenue",
               marker_color="#7f7f7f")])
    share.update_layout(title="Loss share against revenue share", barmode="group", yaxis_tickformat=".0%",
                        height=360, legend=dict(orientation="h", y=-0.2))
    crit = go.Figure([
        go.Bar(x=s["sector"], y=s["affected_businesses"], name="affected businesses",
               marker_color="#aec7e8"),
        go.Bar(x=s["sector"], y=s["critical_affected"], name="critical businesses affected",
               marker_color="#d62728")])
    crit.update_layout(title="Businesses affected, and the critical ones among them", barmode="group",
                       height=340, legend=dict(orientation="h", y=-0.2))
    names = {"sector": "sector", "businesses": "businesses", "affected_businesses": "affected",
             "critical_affected": "critical affected", "expected_value": "expected",
             "gross_loss": "gross loss", "recovered": "recovered", "net_loss": "net loss",
             "net_loss_low": "net loss 90% low", "net_loss_high": "net loss 90% high",
             "sla_credits": "SLA credits", "loss_share": "loss share", "revenue_share": "revenue share"}
    cols = money_columns(s, names, {"expected_value", "gross_loss", "recovered", "net_loss",
                                    "net_loss_low", "net_loss_high", "sla_credits"}, cur,
                         pct_cols=frozenset({"loss_share", "revenue_share"}),
                         int_cols=frozenset({"businesses", "affected_businesses", "critical_affected"}))
    out = [graph("sector-loss-graph", fig),
           html.Div([graph("sector-share-graph", share), graph("sector-critical-graph", crit)],
                    className="two"),
           html.H3("Per sector"), table("sector-table", s, cols)]
    crit_b = o.table("business_impact", ["business_id", "sector", "region", "critical", "affected",
                                         "net_loss", "downtime_minutes", "sla_credit"], incident)
    if isinstance(crit_b, Missing):
        out.append(note(crit_b.message))
    else:
        c = crit_b[crit_b["critical"] & crit_b["affected"]].sort_values("net_loss", ascending=False)
        out.append(html.H3(f"Critical businesses hit: {len(c)}"))
        if c.empty:
            out.append(note("No critical business was affected."))
        else:
            cols = money_columns(c, {"business_id": "business", "sector": "sector", "region": "region",
                                     "net_loss": "net loss", "downtime_minutes": "downtime (min)",
                                     "sla_credit": "SLA credit"}, {"net_loss", "sla_credit"}, cur)
            out.append(table("critical-table", c.drop(columns=["critical", "affected"]), cols, 10))
    return out


BUSINESS_COLS = ["business_id", "sector", "region", "critical", "affected", "expected_value",
                 "actual_value", "gross_loss", "recovered", "net_loss", "net_loss_low",
                 "net_loss_high", "failed_txns", "downtime_minutes", "availability_pct", "sla_credit"]
SORTS = {"net_loss": "net loss", "gross_loss": "gross loss", "sla_credit": "SLA credit",
         "downtime_minutes": "downtime"}


def businesses(o: Outputs, incident: str, cur: str):
    b = o.table("business_impact", BUSINESS_COLS, incident)
    if isinstance(b, Missing):
        return [note(b.message)]
    bs = o.business_services()
    services = [] if isinstance(bs, Missing) else sorted(bs["service"].unique())

    def pick(fid, label, options, placeholder):
        return html.Div([html.Label(label, htmlFor=fid),
                         dcc.Dropdown(id=fid, options=options, multi=True, placeholder=placeholder)],
                        className="filter")

    filters = html.Div([
        pick("f-sector", "Sector", sorted(b["sector"].unique()), "all sectors"),
        pick("f-region", "Region", sorted(b["region"].dropna().unique()), "all regions"),
        pick("f-service", "Service", services, "all services"),
        html.Div([html.Label("Sort by", htmlFor="f-sort"),
                  dcc.Dropdown(id="f-sort", options=[{"label": v, "value": k} for k, v in SORTS.items()],
                               value="net_loss", clearable=False)], className="filter"),
        html.Div([html.Label("\u00a0"), html.Button("Export CSV", id="export-btn")], className="filter"),
    ], className="filters")
    out = [filters]
    if isinstance(bs, Missing):
        out.append(note(bs.message))
    out += [html.Div(id="biz-summary", className="summary"),
            html.Div(id="biz-body"), dcc.Download(id="export")]
    return out


def filtered_businesses(o: Outputs, incident: str, sector, region, service, sort) -> pd.DataFrame | Missing:
    b = o.table("business_impact", BUSINESS_COLS, incident)
    if isinstance(b, Missing):
        return b
    if sector:
        b = b[b["sector"].isin(sector)]
    if region:
        b = b[b["region"].isin(region)]
    if service:
        bs = o.business_services()
        if not isinstance(bs, Missing):
            b = b[b["business_id"].isin(bs.loc[bs["service"].isin(service), "business_id"])]
    return b.sort_values([sort or "net_loss", "business_id"], ascending=[False, True])


def business_body(b: pd.DataFrame, cur: str):
    top = b.head(15).iloc[::-1]
    fig = go.Figure(go.Bar(
        y=top["business_id"] + " (" + top["sector"] + ", " + top["region"].fillna("?") + ")",
        x=top["net_loss"], orientation="h", marker_color="#9467bd",
        error_x=dict(type="data", symmetric=False, array=top["net_loss_high"] - top["net_loss"],
                     arrayminus=top["net_loss"] - top["net_loss_low"], color="#222")))
    fig.update_layout(title=f"The {len(top)} businesses with the largest net loss shown, 90% interval ({cur})",
                      xaxis_title=f"net loss ({cur})", height=120 + 26 * len(top))
    names = {"business_id": "business", "sector": "sector", "region": "region",
             "critical": "critical", "affected": "affected", "expected_value": "expected",
             "actual_value": "actual", "gross_loss": "gross loss", "recovered": "recovered",
             "net_loss": "net loss", "net_loss_low": "net loss 90% low",
             "net_loss_high": "net loss 90% high", "failed_txns": "failed txns",
             "downtime_minutes": "downtime (min)", "availability_pct": "availability %",
             "sla_credit": "SLA credit"}
    shown = b.assign(critical=b["critical"].map({True: "yes", False: "no"}),
                     affected=b["affected"].map({True: "yes", False: "no"}))
    cols = money_columns(shown, names, {"expected_value", "actual_value", "gross_loss", "recovered",
                                        "net_loss", "net_loss_low", "net_loss_high", "sla_credit"}, cur,
                         int_cols=frozenset({"failed_txns"}))
    return [graph("biz-graph", fig), table("biz-table", shown, cols, 20)]


def cascade(o: Outputs, incident: str, cur: str):
    imp = o.table("service_impact", ["component", "kind", "state", "impact_start", "impact_end",
                                     "downtime_minutes", "path", "observed"], incident)
    out = []
    if isinstance(imp, Missing):
        out.append(note(imp.message))
    else:
        imp = imp.set_index("component")
        impaired = imp[imp["state"] != "up"].sort_values(["state", "impact_start"]).reset_index()
        g = o.graph()
        if isinstance(g, Missing):
            out.append(note(g.message))
        else:
            out.append(graph("cascade-graph", cascade_figure(g, imp, impaired, incident)))
        rows = impaired.assign(
            path=impaired["path"].map(lambda p: " → ".join(p)),
            impact_start=impaired["impact_start"].map(utc), impact_end=impaired["impact_end"].map(utc),
            observed=impaired["observed"].map({True: "yes", False: "no"}))
        out.append(html.H3("Impaired components and the path from the root"))
        out.append(table("impaired-table", rows[["component", "kind", "state", "impact_start",
                                                 "impact_end", "downtime_minutes", "observed", "path"]],
                         [{"name": n, "id": c} for c, n in [
                             ("component", "component"), ("kind", "kind"), ("state", "state"),
                             ("impact_start", "impact start (UTC)"), ("impact_end", "impact end (UTC)"),
                             ("downtime_minutes", "downtime (min)"), ("observed", "seen in reports"),
                             ("path", "path from the root")]], 25))
    c = o.table("root_cause_candidates", ["component", "rank", "score", "explained", "unexplained",
                                          "components_impaired", "indistinguishable_from_top",
                                          "declared"], incident)
    out.append(html.H3("Root-cause candidates"))
    if isinstance(c, Missing):
        out.append(note(c.message))
        return out
    c = c.sort_values("rank")
    top = c.head(12).iloc[::-1]
    fig = go.Figure(go.Bar(
        x=top["score"], y=[f"{r}. {n}" + (" (declared)" if d else "")
                           for r, n, d in zip(top["rank"], top["component"], top["declared"])],
        orientation="h", text=[f"{v:.3f}" for v in top["score"]], textposition="outside",
        marker_color=np.where(top["indistinguishable_from_top"], "#d62728", "#9e9e9e")))
    fig.update_layout(title="Score per candidate (red: indistinguishable from the top)",
                      xaxis=dict(range=[0, 1.12], title="score"), height=140 + 26 * len(top))
    rows = c.assign(score=c["score"].map(lambda v: f"{v:.3f}"),
                    explained=c["explained"].map(", ".join),
                    unexplained=c["unexplained"].map(", ".join),
                    indistinguishable_from_top=c["indistinguishable_from_top"].map({True: "yes", False: "no"}),
                    declared=c["declared"].map({True: "yes", False: "no"}))
    out += [graph("candidates-graph", fig),
            table("candidates-table", rows, [{"name": n, "id": k} for k, n in [
                ("rank", "rank"), ("component", "component"), ("score", "score"),
                ("components_impaired", "components impaired"),
                ("indistinguishable_from_top", "indistinguishable from top"),
                ("declared", "declared root"), ("explained", "explains"),
                ("unexplained", "leaves unexplained")]], 20)]
    return out


def layered_layout(nodes, edges):
    """(x, y) per node: y = minus the layer (0 for nodes with no dependencies), x = position in the
    layer after a few sweeps that pull each node towards its neighbours (the notebook's layout)."""
    needs = {n: sorted({t for f, t, _ in edges if f == n}) for n in nodes}
    layer: dict[str, int] = {}

    def depth(n, seen=()):
        if n not in layer:
            layer[n] = 0 if n in seen else 1 + max((depth(t, seen + (n,)) for t in needs[n]), default=-1)
        return layer[n]

    for n in nodes:
        depth(n)
    rows: dict[int, list[str]] = {}
    for n in sorted(nodes):
        rows.setdefault(layer[n], []).append(n)
    near = {n: set(needs[n]) for n in nodes}
    for f, t, _ in edges:
        near[t].add(f)
    pos = {n: i for row in rows.values() for i, n in enumerate(row)}
    width = max(len(r) for r in rows.values())
    for sweep in range(4):
        for k in (sorted(rows) if sweep % 2 == 0 else sorted(rows, reverse=True)):
            rows[k] = sorted(rows[k], key=lambda n: (
                np.mean([pos[m] for m in near[n] if layer[m] != k] or [pos[n]]), n))
            for i, n in enumerate(rows[k]):
                pos[n] = i + (width - len(rows[k])) / 2
    return {n: (pos[n], -layer[n]) for n in nodes}


def cascade_figure(g: dict, imp: pd.DataFrame, impaired: pd.DataFrame, incident: str) -> go.Figure:
    nodes = sorted({c["id"] for c in g.get("components", [])})
    edges = [(d["from"], d["to"], d.get("type", "hard")) for d in g.get("dependencies", [])
             if d.get("from") in nodes and d.get("to") in nodes]
    xy = layered_layout(nodes, edges)
    on_path = set()
    for p in impaired["path"]:
        on_path.update(zip(p[1:], p[:-1]))  # (dependent, dependency), as edges are (from, to)
    fig = go.Figure()
    for hot in (False, True):
        for soft in (False, True):
            xs, ys = [], []
            for f, t, kind in edges:
                if ((f, t) in on_path) == hot and (kind == "soft") == soft:
                    xs += [xy[f][0], xy[t][0], None]
                    ys += [xy[f][1], xy[t][1], None]
            if xs:
                fig.add_trace(go.Scatter(
                    x=xs, y=ys, mode="lines", hoverinfo="skip",
                    name=("path from the root" if hot else "dependency") + (" (soft)" if soft else ""),
                    line=dict(color="#111" if hot else "#bbb", width=3.5 if hot else 1.2,
                              dash="dash" if soft else "solid")))
    state = imp["state"].reindex(nodes).fillna("up")
    kind = imp["kind"].reindex(nodes).fillna("")
    observed = imp["observed"].reindex(nodes).fillna(False).astype(bool)
    for s, colour in STATE_COLOUR.items():
        ns = [n for n in nodes if state[n] == s]
        if not ns:
            continue
        fig.add_trace(go.Scatter(
            x=[xy[n][0] for n in ns], y=[xy[n][1] for n in ns], mode="markers+text", name=s,
            text=ns, textposition="bottom center", textfont=dict(size=11),
            marker=dict(size=24, color=colour,
                        symbol=["square" if kind[n] == "service" else "circle" for n in ns],
                        line=dict(color=["#000" if observed[n] else "rgba(0,0,0,0)" for n in ns],
                                  width=3)),
            hovertext=[f"{n}: {kind[n]}, {s}" + (", seen in reports" if observed[n] else "")
                       for n in ns], hoverinfo="text"))
    fig.update_layout(title=f"{incident}: component states and the paths from the root "
                      "(squares: services; ringed: seen in reports)", height=620,
                      xaxis=dict(visible=False), yaxis=dict(visible=False, range=[min(
                          y for _, y in xy.values()) - 0.6, 0.4]))
    return fig


INSURED_COLS = ["sector", "businesses", "insured_businesses", "policies", "policies_triggered", "net_loss",
                "insured_loss", "insured_loss_low", "insured_loss_high", "retained_loss", "uninsured_loss",
                "insured_share"]
DURATION_COLS = ["sector", "duration_hours", "net_loss", "net_loss_low", "net_loss_high", "insured_loss",
                 "insured_loss_low", "insured_loss_high", "observed_hours", "extrapolated"]


def insured(o: Outputs, incident: str, cur: str):
    """What policies pay against the economic loss per sector, and the loss against duration."""
    out = []
    i = o.table("insured_sector_impact", INSURED_COLS, incident)
    if isinstance(i, Missing):
        out.append(note(i.message + " The run writes insured tables only with a policies input."))
    else:
        i = i.sort_values("net_loss", ascending=False)
        fig = go.Figure([
            go.Bar(x=i["sector"], y=i["net_loss"], name="net loss (economic)", marker_color="#9467bd"),
            go.Bar(x=i["sector"], y=i["insured_loss"], name="paid by policies", marker_color="#1f77b4",
                   error_y=dict(type="data", symmetric=False, array=i["insured_loss_high"] - i["insured_loss"],
                                arrayminus=i["insured_loss"] - i["insured_loss_low"], color="#222"))])
        paid, net = i["insured_loss"].sum(), i["net_loss"].sum()
        fig.update_layout(title=f"Insured against economic loss per sector: policies pay {money(paid, cur)} "
                          f"of {money(net, cur)}", barmode="group", yaxis_title=cur, height=380,
                          legend=dict(orientation="h", y=-0.2))
        names = {"sector": "sector", "businesses": "businesses", "insured_businesses": "insured",
                 "policies": "policies", "policies_triggered": "triggered", "net_loss": "net loss",
                 "insured_loss": "insured loss", "insured_loss_low": "insured 90% low",
                 "insured_loss_high": "insured 90% high", "retained_loss": "retained",
                 "uninsured_loss": "uninsured", "insured_share": "insured share"}
        cols = money_columns(i, names, {"net_loss", "insured_loss", "insured_loss_low", "insured_loss_high",
                                        "retained_loss", "uninsured_loss"}, cur,
                             pct_cols=frozenset({"insured_share"}),
                             int_cols=frozenset({"businesses", "insured_businesses", "policies",
                                                 "policies_triggered"}))
        out += [graph("insured-graph", fig), html.H3("Per sector"), table("insured-table", i, cols)]
    d = o.table("duration_scenarios", DURATION_COLS, incident)
    if isinstance(d, Missing):
        out.append(note(d.message))
        return out
    t = d[d["sector"] == "ALL"].sort_values("duration_hours")
    observed = float(t["observed_hours"].iloc[0])
    fig = go.Figure()
    bands = [("net_loss", "net loss", "#d62728", "rgba(214,39,40,0.18)")]
    if t["insured_loss"].notna().any():
        bands.append(("insured_loss", "insured loss", "#1f77b4", "rgba(31,119,180,0.18)"))
    for col, label, colour, fill in bands:
        fig.add_trace(go.Scatter(x=t["duration_hours"], y=t[col + "_high"], mode="lines", line=dict(width=0),
                                 showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=t["duration_hours"], y=t[col + "_low"], mode="lines", line=dict(width=0),
                                 fill="tonexty",
                                 fillcolor=fill, name=f"{label}, 90% interval", hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=t["duration_hours"], y=t[col], mode="lines+markers", name=label,
                                 line=dict(color=colour)))
    fig.add_vline(x=observed, line_dash="dash", annotation_text=f"observed {observed:.1f} h")
    last = max(float(t["duration_hours"].max()), 2 * observed)
    fig.add_vrect(x0=2 * observed, x1=last, fillcolor="#999", opacity=0.12, line_width=0,
                  annotation_text="extrapolated (beyond 2x observed)")
    fig.update_layout(title=f"Loss had the outage lasted other lengths, all sectors ({cur})",
                      xaxis=dict(title="duration (hours)"), yaxis_title=cur, height=420,
                      legend=dict(orientation="h", y=-0.25))
    names = {"duration_hours": "hours", "net_loss": "net loss", "net_loss_low": "net 90% low",
             "net_loss_high": "net 90% high", "insured_loss": "insured loss", "insured_loss_low": "insured 90% low",
             "insured_loss_high": "insured 90% high", "extrapolated": "extrapolated"}
    t = t.assign(extrapolated=t["extrapolated"].map({True: "yes", False: "no"}))
    cols = money_columns(t, names, {"net_loss", "net_loss_low", "net_loss_high", "insured_loss",
                                    "insured_loss_low", "insured_loss_high"}, cur)
    out += [graph("duration-graph", fig), html.H3("All sectors, per scenario duration"),
            table("duration-table", t.drop(columns=["sector", "observed_hours"]), cols)]
    return out


RENDER = {"/": overview, "/sectors": sectors, "/businesses": businesses, "/cascade": cascade,
          "/insured": insured}

CSS = """
body { font-family: -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; margin: 0; color: #222; background: #fafbfc; }
.header { background: #1f2937; color: #fff; padding: 10px 20px; display: flex; align-items: center; gap: 24px; flex-wrap: wrap; }
.header h1 { font-size: 18px; margin: 0; }
.nav a { color: #cbd5e1; margin-right: 16px; text-decoration: none; font-size: 14px; }
.nav a.active { color: #fff; font-weight: 600; border-bottom: 2px solid #60a5fa; }
.picker { min-width: 260px; color: #222; }
.meta { font-size: 12px; color: #cbd5e1; }
.content { padding: 16px 20px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 12px; }
.card { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 12px; min-width: 170px; }
.card-label { font-size: 12px; color: #6b7280; }
.card-value { font-size: 18px; font-weight: 600; }
.card-sub { font-size: 12px; color: #6b7280; }
.missing { background: #fff7ed; border: 1px solid #fdba74; color: #7c2d12; padding: 10px 14px; border-radius: 6px; margin: 10px 0; }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 10px; }
.filter { min-width: 200px; font-size: 13px; }
.filter label { display: block; color: #6b7280; font-size: 12px; }
.summary { font-size: 14px; margin: 6px 0; }
h2 { font-size: 20px; margin: 4px 0 12px; } h3 { font-size: 16px; margin: 18px 0 6px; }
"""


def create_app(out) -> Dash:
    outputs = Outputs(out)
    app = Dash(__name__, title="Outage impact", suppress_callback_exceptions=True,
               update_title=None)
    app.index_string = app.index_string.replace("{%css%}", "{%css%}<style>" + CSS + "</style>")

    def guarded(fn, *args):
        """fn(*args), or a sentence saying what went wrong: no stack trace on the page."""
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - anything the outputs can throw at us
            log.error("page failed:\n%s", traceback.format_exc())
            return [note(f"This page cannot be shown for these outputs ({type(e).__name__}: {e}). "
                         "The server log has the details.")]

    def layout():
        o = outputs.pinned()
        ids = o.incidents()
        options = [] if isinstance(ids, Missing) else ids
        return html.Div([
            dcc.Location(id="url"),
            html.Div([
                html.H1("Outage impact"),
                html.Div(id="nav", className="nav"),
                html.Div(dcc.Dropdown(id="incident", options=options,
                                      value=options[0] if options else None, clearable=False,
                                      placeholder="no incident", persistence=True,
                                      persistence_type="session"), className="picker"),
                html.Div(f"outputs: {o.out} · money in {o.currency()} (the run's reporting "
                         "currency) · times in UTC", className="meta", id="meta"),
            ], className="header"),
            html.Div(id="page", className="content"),
        ])

    app.layout = layout  # a function: the incident list is read again on each page load

    @app.callback(Output("nav", "children"), Input("url", "pathname"))
    def nav(path):
        return [dcc.Link(name, href=p, className="active" if p == (path or "/") else "")
                for p, name in PAGES]

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("incident", "value"))
    def page(path, incident):
        o = outputs.pinned()  # every table on the page from the same run
        path = path if path in RENDER else "/"
        title = dict(PAGES)[path]
        ids = o.incidents()
        if isinstance(ids, Missing):
            return [html.H2(title), note(ids.message)]
        if incident not in ids:
            incident = ids[0]
        return [html.H2(f"{title}: {incident}", id="page-title")] + \
            guarded(RENDER[path], o, incident, o.currency())

    @app.callback(Output("biz-summary", "children"), Output("biz-body", "children"),
                  Input("incident", "value"), Input("f-sector", "value"), Input("f-region", "value"),
                  Input("f-service", "value"), Input("f-sort", "value"))
    def drill(incident, sector, region, service, sort):
        o = outputs.pinned()

        def run():
            b = filtered_businesses(o, incident, sector, region, service, sort)
            if isinstance(b, Missing):
                return "", [note(b.message)]
            cur = o.currency()
            if b.empty:
                return "0 businesses match these filters.", [note("No business matches these filters.")]
            text = (f"{len(b)} businesses shown, sorted by {SORTS.get(sort, 'net loss')}: net loss "
                    f"{money(b['net_loss'].sum(), cur)}, SLA credits {money(b['sla_credit'].sum(), cur)}, "
                    f"{int((b['critical'] & b['affected']).sum())} critical businesses affected.")
            return text, business_body(b, cur)
        result = guarded(run)
        return result if isinstance(result, tuple) else ("", result)

    @app.callback(Output("export", "data"), Input("export-btn", "n_clicks"),
                  State("incident", "value"), State("f-sector", "value"), State("f-region", "value"),
                  State("f-service", "value"), State("f-sort", "value"), prevent_initial_call=True)
    def export(_, incident, sector, region, service, sort):
        o = outputs.pinned()
        b = filtered_businesses(o, incident, sector, region, service, sort)
        if isinstance(b, Missing) or not n_rows(b):
            return no_update
        buf = io.StringIO()
        b.assign(incident_id=incident, currency=o.currency()).to_csv(buf, index=False)
        return dcc.send_string(buf.getvalue(), f"business_impact_{incident}.csv")

    return app


def n_rows(frame) -> int:
    return 0 if frame is None else len(frame)
