"""The pages `make bench` measures: adding a page is one line in PAGES.

`path` and the values of `form` are `str.format` templates. The values they can use:
- always: {training_url}, {training_pk}, {training_slug} (the published training with most sessions);
- identity "elu", "elu_once": {user_pk};
- identity "pair": {user_pk}, {session_pk} — an open session this élu has no dossier for;
- identity "draft": the same, plus {dossier_pk} — a draft dossier of that élu for that session, with every detail
  the AMIL needs filled in and checked ("Vérifiez votre dossier" done): what "Envoyer mon dossier" sends;
- identity "invitation": {invitation_token}, {invitation_training_pk}.

Identities:
- "anonymous": no cookie (the public pages come from the page cache, dife_portal/page_cache.py);
- "invited": not signed in, with the cookie an invitation link sets (trainings/invitations.py): an élu who clicked a
  mairie's link — the training page is cached per invitation, with its banner;
- "elu": signed in, one élu after another among a few hundred, with the cookies a browser has after its first
  signed-in page (read pages: served whole from the cache with the élu's auth stamp, page_cache.cache_elu_page);
- "elu_once", "pair", "draft": signed in, each élu (and session) used by one request only (write paths);
- "invitation": no cookie, a different invitation link per request.
A page with `cached=False` is sent to a second server started with the caches off (PAGE_CACHE_SECONDS=0): what the
page costs to build, once per change of the catalogue in production — the scale ratio is taken on those.
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
    # Budgets (issue #9): reads ≥ 60 % of the floor's throughput and p95 ≤ 2 × the floor's; writes ≥ 100/s.
    min_throughput_ratio: float = 0.6
    max_p95_ratio: float = 2.0
    min_rps: float = 0.0
    enabled: bool = True

    @property
    def is_write(self):
        return self.identity in ("elu_once", "pair", "draft")


FLOOR = Page("Plancher (/sante/plancher/)", "/sante/plancher/", expect_text="ok")

# Budgets apply to every read page as the élus get it; the pages built with the caches off are witnesses of the cost
# of a build and of the scale (their ratio), not pages anyone is served.
PAGES = [
    FLOOR,
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
    Page("Recherche de formations (élu connecté)", "/formations/", identity="elu", expect_text="Se déconnecter"),
    Page("Page d'une formation (élu connecté)", "{training_url}", identity="elu", expect_text="Se déconnecter"),
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
    Page(
        "Lien d'invitation (compté, mis dans un cookie, redirigé)",
        "/invitation/{invitation_token}/",
        identity="invitation",
        expect_status=302,
        expect_location="/formations/",
    ),
    Page("Mes dossiers (connecté)", "/dossiers/", identity="elu", expect_text="Mes dossiers"),
    Page(
        "Envoyer un dossier (écriture, verrou des places)",
        "/dossiers/{dossier_pk}/envoyer/",
        identity="draft",
        method="POST",
        expect_status=302,
        expect_location="/envoye/",
        write_check="SELECT count(*) FROM enrolment_dossier WHERE state IN ('submitted', 'waitlisted')",
        min_rps=100,
        min_throughput_ratio=0,
        max_p95_ratio=0,
    ),
]
