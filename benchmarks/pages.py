"""The pages `make bench` measures: adding a page is one line in PAGES.

`path` and the values of `form` are `str.format` templates. The values they can use:
- always: {training_url}, {training_pk}, {training_slug} (the published training with most sessions);
- identity "elu", "elu_once": {user_pk};
- identity "pair": {user_pk}, {session_pk} — an open session this élu has no dossier for;
- identity "draft": the same, plus {dossier_pk} — a draft dossier of that élu for that session;
- identity "invitation": {invitation_token}, {invitation_training_pk}.

Identities:
- "anonymous": no cookie;
- "elu": signed in, one élu after another among a few hundred (read pages);
- "elu_once", "pair", "draft": signed in, each élu (and session) used by one request only (write paths);
- "invitation": no cookie, a different invitation link per request.
Signed-in requests carry the élu's session and CSRF cookies; a POST gets `csrfmiddlewaretoken` added.
A write path lists `write_check`: SQL counting the rows it changes, which must move by exactly one per
request (`write_delta`), so a page that answers 200 with a form error is caught.
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
    # Also measured with the base data set, for the scale ratio.
    scale: bool = False
    # Its first-visit weight (HTML, CSS, JS as sent, compressed) is measured.
    weight: bool = False
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

PAGES = [
    FLOOR,
    Page("Accueil", "/", expect_text="Trouver une formation"),
    Page("Recherche de formations", "/formations/", scale=True, expect_text="Trouver une formation"),
    Page("Page d'une formation", "{training_url}", scale=True, weight=True),
    Page("Santé (/sante/, une requête SQL)", "/sante/", expect_text="ok"),
    Page("Mes dossiers (connecté)", "/dossiers/", identity="elu", expect_text="Mes dossiers"),
    # Stands in for the write path until send-a-dossier lands: a POST with the élu's CSRF token that
    # deletes one session row per request.
    Page(
        "Se déconnecter (POST + CSRF)",
        "/compte/deconnexion/",
        identity="elu_once",
        method="POST",
        expect_status=302,
        write_check="SELECT count(*) FROM django_session",
        write_delta=-1,
        min_throughput_ratio=0,
        max_p95_ratio=0,
    ),
    # --- Slots: enable once the branch that builds the page is merged (fill in URL and fields). ---
    Page(
        "Lien d'invitation",
        "/formations/invitation/{invitation_token}/",  # TODO(invitations): the real URL
        identity="invitation",
        enabled=False,
    ),
    Page(
        "Envoyer un dossier (écriture, verrou des places)",
        "/dossiers/{dossier_pk}/envoyer/",  # TODO(enrolment): the real URL and form fields
        identity="draft",
        method="POST",
        form={"confirm": "on"},
        expect_status=302,
        write_check="SELECT count(*) FROM enrolment_dossier WHERE state IN ('submitted', 'waitlisted')",
        min_rps=100,
        min_throughput_ratio=0,
        max_p95_ratio=0,
        enabled=False,
    ),
]
