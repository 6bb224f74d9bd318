"""The pages `make bench` measures: adding a page is one line in PAGES.

`path` and the values of `form` are `str.format` templates. The values they can use:
- always: {training_url}, {training_pk}, {training_slug} (the published training with most sessions);
- identity "elu", "elu_once": {user_pk};
- identity "pair": {user_pk}, {session_pk} — an open session this élu has no dossier for;
- identity "draft": the same, plus {dossier_pk} — a draft dossier of that élu for that session, with every detail
  the AMIL needs filled in and checked ("Vérifiez votre dossier" done): what "Envoyer mon dossier" sends;
- identity "invitation": {invitation_token}, {invitation_training_pk}.

Identities:
- "anonymous": no cookie (the public pages come from the page cache, trainings/page_cache.py);
- "invited": not signed in, with the cookie an invitation link sets (trainings/invitations.py): an élu who clicked a
  mairie's link — the training page is cached per invitation, with its banner;
- "elu": signed in, one élu after another among a few hundred (Django reads the session and loads the élu on every
  request; the page is built around the shared cached fragments);
- "elu_once", "pair", "draft": signed in, each élu (and session) used by one request only (write paths);
- "invitation": no cookie, a different invitation link per request.
A page with `cached=False` is sent to a second server started with the caches off (PAGE_CACHE_SECONDS=0): what the
page costs to build, once per change of the catalogue in production — the scale ratio is taken on those.
Each page is compared with its floor (`floor`): FLOOR, a trivial view, or SIGNED_IN_FLOOR, a trivial view that reads
the session and loads the élu as every signed-in page must. `build_time`: the page is also built in process with the
caches off (benchmarks/build_times.py) and its time printed, within BUILD_BUDGET_MS.
Signed-in requests carry the élu's session and CSRF cookies; a POST gets `csrfmiddlewaretoken` added.
A write path lists `write_check`: SQL counting the rows it changes, which must move by exactly `write_delta` per
request sent, so a page that answers with a form error or a redirect to the form is caught.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    identity: str = "anonymous"
    method: str = "GET"
    form: dict = field(default_factory=dict)
    expect_status: int = 200
    expect_text: str = ""
    # For a redirect: a piece of the Location header (the page it must lead to).
    expect_location: str = ""
    # Also measured with the base data set, for the scale ratio.
    scale: bool = False
    # Its first-visit weight (HTML, CSS, JS as sent, compressed) is measured.
    weight: bool = False
    # False: measured on the server whose caches are off (the cost of building the page).
    cached: bool = True
    write_check: str = ""
    write_delta: int = 1
    # Which floor its budgets are measured against: "anonymous" (FLOOR) or "signed_in" (SIGNED_IN_FLOOR).
    floor: str = "anonymous"
    # Budgets (issue #17): reads ≥ 60 % of the floor's throughput (50 % of the signed-in floor's for signed-in
    # pages) and p95 ≤ 2 × the floor's.
    min_throughput_ratio: float = 0.6
    max_p95_ratio: float = 2.0
    min_rps: float = 0.0
    build_time: bool = False
    enabled: bool = True

    @property
    def is_write(self):
        return self.identity in ("elu_once", "pair", "draft")


FLOOR = Page("Plancher (/sante/plancher/)", "/sante/plancher/", expect_text="ok")
SIGNED_IN_FLOOR = Page(
    "Plancher connecté (/sante/plancher-connecte/ : session et élu chargés)",
    "/sante/plancher-connecte/",
    identity="elu",
    expect_text="connecté",
    min_throughput_ratio=0,
    max_p95_ratio=0,
)
# The in-process build of a signed-in page, caches off, must stay within this (issue #17).
BUILD_BUDGET_MS = 10
SIGNED_IN = {"identity": "elu", "floor": "signed_in", "min_throughput_ratio": 0.5, "build_time": True}

# Budgets apply to every read page as the élus get it; the pages built with the caches off are witnesses of the cost
# of a build and of the scale (their ratio), not pages anyone is served.
PAGES = [
    FLOOR,
    SIGNED_IN_FLOOR,
    Page("Accueil", "/", expect_text="Trouver une formation"),
    Page("Recherche de formations", "/formations/", expect_text="Trouver une formation"),
    Page(
        "Recherche par mots-clés et lieu",
        "/formations/?q=budget+communal&lieu=Tours",
        expect_text="correspond",
    ),
    Page("Page d'une formation", "{training_url}", weight=True, expect_text="Inscription à cette formation"),
    Page(
        "Page d'arrivée d'une invitation (formation, bandeau de la mairie)",
        "{training_url}",
        identity="invited",
        expect_text="Invitation de l",
    ),
    Page("Recherche de formations (élu connecté)", "/formations/", expect_text="Se déconnecter", **SIGNED_IN),
    Page("Page d'une formation (élu connecté)", "{training_url}", expect_text="Se déconnecter", **SIGNED_IN),
    Page(
        "Recherche de formations, construite (caches coupés, témoin)",
        "/formations/",
        cached=False,
        scale=True,
        expect_text="Trouver une formation",
        min_throughput_ratio=0,
        max_p95_ratio=0,
    ),
    Page(
        "Page d'une formation, construite (caches coupés, témoin)",
        "{training_url}",
        cached=False,
        scale=True,
        expect_text="Inscription à cette formation",
        min_throughput_ratio=0,
        max_p95_ratio=0,
    ),
    # A witness, not a page of the journey: what one SQL round trip costs beside the floor.
    Page(
        "Santé (/sante/, une requête SQL, témoin)",
        "/sante/",
        expect_text="ok",
        min_throughput_ratio=0,
        max_p95_ratio=0,
    ),
    # A witness: following a link counts it (one UPDATE) and redirects to the training page, the cached page the
    # budget is on ("Page d'arrivée d'une invitation"); #17 sets no budget for the counted write itself.
    Page(
        "Lien d'invitation (compté, mis dans un cookie, redirigé : une écriture, témoin)",
        "/invitation/{invitation_token}/",
        identity="invitation",
        expect_status=302,
        expect_location="/formations/",
        min_throughput_ratio=0,
        max_p95_ratio=0,
    ),
    Page("Mes dossiers (connecté)", "/dossiers/", expect_text="Mes dossiers", **SIGNED_IN),
    Page(
        "Envoyer un dossier (écriture, verrou des places)",
        "/dossiers/{dossier_pk}/envoyer/",
        identity="draft",
        method="POST",
        expect_status=302,
        expect_location="/envoye/",
        write_check="SELECT count(*) FROM enrolment_dossier WHERE state IN ('submitted', 'waitlisted')",
        min_throughput_ratio=0.04,
        max_p95_ratio=0,
    ),
]
