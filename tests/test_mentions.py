"""quotetrack.mentions: one source or target phrase -> name, title, affiliation, kind.

Every phrase here is made up for the test (the names are invented or public office holders
used as plain strings); nothing is read from ../shared.
"""
import pytest

from quotetrack.mentions import (forename_gender, known_body, parse_mention, portfolio_lists, pronoun_class,
                                 speaks_for_body, split_apposition, title_body)


def fields(form):
    """The parts of a Form a test pins: shape, key, shown text, affiliation, title, role."""
    return (form.shape, form.key, form.text, form.affiliation, form.title, form.role)


# -- people: names, titles, affiliations ----------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    # demonym before the title gives the affiliation
    ("Armenian Foreign Minister Ararat Mirzoyan",
     ("full", "ararat mirzoyan", "Ararat Mirzoyan", "Armenia", "Foreign Minister", None)),
    # "of X" after the name gives it too, even for a country geo does not know
    ("Foreign Minister Lena Varga of Norland",
     ("full", "lena varga", "Lena Varga", "Norland", "Foreign Minister", None)),
    ("Foreign Minister Lena Varga of Norway",
     ("full", "lena varga", "Lena Varga", "Norway", "Foreign Minister", None)),
    # the apposition after the name gives title and affiliation
    ("Nikol Pashinyan, Prime Minister of Armenia",
     ("full", "nikol pashinyan", "Nikol Pashinyan", "Armenia", "Prime Minister", None)),
    # a description before the comma introduces the name; its demonym is the affiliation
    ("His Azerbaijani counterpart, Jeyhun Bayramov",
     ("full", "jeyhun bayramov", "Jeyhun Bayramov", "Azerbaijan", None, None)),
    # "Governor of Washington": the name starts at the known forename ("Chris"); geo reads
    # Washington as the US capital, which is the right country for a US state too
    ("Governor of Washington Chris Gregoire",
     ("full", "chris gregoire", "Chris Gregoire", "United States", "Governor of Washington", None)),
    # a party word before the title describes the person, it is not part of the name
    ("Tory co-chairman Liam Fox",
     ("full", "liam fox", "Liam Fox", None, "Tory co-chairman", None)),
    ("Ursula von der Leyen",
     ("full", "ursula von der leyen", "Ursula von der Leyen", None, None, None)),
    # dates a capitalised run dragged in are dropped at either end
    ("Monday Tony Blair", ("full", "tony blair", "Tony Blair", None, None, None)),
    ("Hugh McGuire Sunday", ("full", "hugh mcguire", "Hugh McGuire", None, None, None)),
    ("Mr Blair", ("surname", "blair", "Mr Blair", None, None, None)),
    ("the prime minister", ("title", "prime minister", "prime minister", None, "prime minister", None)),
])
def test_people(text, expected):
    assert fields(parse_mention(text)) == expected


def test_apposition_after_a_name_is_cut_and_kept():
    # The person is Bill Sims; the apposition's head noun is kept as the title (only
    # "director": "of planning" is not a title word, which is debatable but harmless).
    form = parse_mention("Bill Sims, the city's director of planning")
    assert (form.shape, form.key, form.text, form.affiliation) == ("full", "bill sims", "Bill Sims", None)
    assert form.title == "director"
    assert form.kind == "person" and form.name == "Bill Sims"


def test_honorific_surname_names_the_surname_only():
    form = parse_mention("Mr Blair")
    assert (form.how, form.kind, form.name) == ("honorific", "person", "Blair")


@pytest.mark.parametrize("text, key", [
    ("Michael Jordan", "michael jordan"),
    ("Valeska Paris", "valeska paris"),
    ("Anna Washington", "anna washington"),
])
def test_a_place_name_ending_a_person_name_is_part_of_the_name(text, key):
    form = parse_mention(text)
    assert (form.shape, form.key, form.text, form.affiliation) == ("full", key, text, None)


def test_a_country_after_a_title_and_name_is_still_the_affiliation():
    form = parse_mention("President Lena Varga of Norway")
    assert (form.key, form.affiliation) == ("lena varga", "Norway")
    assert parse_mention("Norway's Lena Varga").affiliation == "Norway"


# -- split_apposition ---------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Bill Sims, the city's director of planning", ("Bill Sims", "the city's director of planning")),
    ("Nikol Pashinyan, Prime Minister of Armenia", ("Nikol Pashinyan", "Prime Minister of Armenia")),
    # a leading description joins the name it introduces
    ("His Azerbaijani counterpart, Jeyhun Bayramov", ("His Azerbaijani counterpart Jeyhun Bayramov", None)),
    ("Per Halvorsen, who heads the union", ("Per Halvorsen", None)),
    ("Dagny Holm (pictured)", ("Dagny Holm", None)),
    ("Well I", ("I", None)),
    ("Monday Tony Blair", ("Tony Blair", None)),
    ("Hugh McGuire Sunday", ("Hugh McGuire", None)),
])
def test_split_apposition(text, expected):
    assert split_apposition(text) == expected


# -- pronouns and words that look like them ---------------------------------------------------

@pytest.mark.parametrize("word, cls", [
    ("he", "male"), ("him", "male"), ("She", "female"), ("it", "neuter"), ("They", "plural"),
    ("I", "first"), ("we", "first"), ("you", "second"), ("who", "relative"),
    ("WHO", None), ("US", None), ("Paris", None),
])
def test_pronoun_class(word, cls):
    assert pronoun_class(word) == cls


@pytest.mark.parametrize("text", ["Well I", "he", "She", "it", "they", "We"])
def test_pronouns_name_nobody_by_themselves(text):
    assert parse_mention(text) is None


def test_an_upper_case_who_is_the_world_health_organization():
    form = parse_mention("WHO")
    assert fields(form) == ("organization", "world health organization", "World Health Organization",
                            None, None, None)


@pytest.mark.parametrize("text", ["who", "Who"])
def test_a_lower_case_who_is_not_the_world_health_organization(text):
    assert parse_mention(text) is None


# -- bodies, groups, spokespeople, documents ---------------------------------------------------

@pytest.mark.parametrize("text, key, name, country", [
    ("Tories", "conservative party", "Conservative Party", "United Kingdom"),
    ("the Conservatives", "conservative party", "Conservative Party", "United Kingdom"),
    ("Lib Dems", "liberal democrats", "Liberal Democrats", "United Kingdom"),
    ("NATO", "nato", "NATO", None),
])
def test_known_bodies_in_any_form(text, key, name, country):
    assert fields(parse_mention(text)) == ("organization", key, name, country, None, None)
    assert parse_mention(text).how == "known body"
    assert known_body(text) == (name, country)


def test_known_body_lookup():
    assert known_body("the BBC") == ("British Broadcasting Corporation", "United Kingdom")
    assert known_body("WHO") == ("World Health Organization", None)
    assert known_body("Acme Industries") is None


@pytest.mark.parametrize("text, expected", [
    ("MPs", ("group", "mps", "MPs", None, None, None)),  # people holding a title
    ("the unions", ("group", "unions", "unions", None, None, None)),
    ("Church of Scientology",
     ("organization", "church of scientology", "Church of Scientology", None, None, None)),
    # a known body before the role: the body speaks, in that role
    ("a BBC spokesman", ("organization", "british broadcasting corporation",
                         "British Broadcasting Corporation", "United Kingdom", None, "spokesman")),
    ("a spokeswoman for the ministry", ("organization", "ministry", "ministry", None, None, "spokeswoman")),
    # a person's spokesperson: that person speaks through them
    ("a spokesman for Mr Blair", ("surname", "blair", "Mr Blair", None, None, "spokesman")),
    # nobody named: the article must say whose spokesperson it is
    ("a spokesman", ("role", "spokesman", "spokesman", None, None, "spokesman")),
    # whoever published the report speaks
    ("the report", ("document", "report", "report", None, None, None)),
])
def test_bodies_groups_roles_and_documents(text, expected):
    assert fields(parse_mention(text)) == expected


def test_kinds_of_placeholder_shapes():
    assert parse_mention("a spokesman").kind == "organization"
    assert parse_mention("the report").kind == "organization"
    assert parse_mention("MPs").kind == "group"


def test_a_named_spokesperson_is_a_person():
    form = parse_mention("Foreign Office spokesman John Smith")
    assert (form.shape, form.key, form.title, form.role) == ("full", "john smith", "Foreign Office spokesman", None)


# -- targets ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, act, expected", [
    # the owner or modifier of a thing is what the act is aimed at
    ("Tory plans", "accuse", ("organization", "conservative party", "Conservative Party", "United Kingdom")),
    ("Labour's policies", "criticize", ("organization", "labour party", "Labour Party", "United Kingdom")),
    ("Baku's claims", "reject", ("country", "Azerbaijan", "Baku", "Azerbaijan")),
    ("Russian plans", "criticize", ("country", "Russia", "Russia", "Russia")),
])
def test_targets_aimed_at_an_owner(text, act, expected):
    form = parse_mention(text, role="target", act=act)
    assert (form.shape, form.key, form.text, form.affiliation) == expected


@pytest.mark.parametrize("text, act", [
    ("the plans", "reject"), ("the plans", "criticize"), ("the fact", "say"), ("the allegations", "deny"),
])
def test_things_are_not_target_actors(text, act):
    assert parse_mention(text, role="target", act=act) is None


# -- forenames --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, gender", [
    ("Maria Lopez", "female"), ("Angela Merkel", "female"), ("Peter Brown", "male"),
    ("Dagny Holm", None),  # not a forename the coreference data taught
    ("Maria", None),  # one word may be a surname
])
def test_forename_gender(name, gender):
    assert forename_gender(name) == gender


# -- found in review ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shape, key", [
    ("Ali Abdullah Ali", "full", "ali abdullah ali"),  # a name that repeats a word
    ("the Foreign Ministry of Norway", "organization", "foreign ministry"),  # = "Norway's foreign ministry"
    ("Eastern Ukraine", "country", "Ukraine"),  # a region, never a person "Eastern"
])
def test_review_cases(text, shape, key):
    f = parse_mention(text)
    assert (f.shape, f.key) == (shape, key)


def test_a_persons_government_is_that_person_in_that_role():
    # "Mr Blair's government" is aimed at Blair (role government); "Norway's government" stays a body.
    f = parse_mention("Mr Blair's government", role="target")
    assert (f.shape, f.key, f.role) == ("surname", "blair", "government")
    g = parse_mention("Norway's government")
    assert (g.shape, g.affiliation) == ("organization", "Norway")


def test_a_sentence_opener_alone_names_nobody_but_a_modal_surname_does():
    assert parse_mention("Nevertheless") is None
    assert parse_mention("May").shape == "surname"  # Theresa May's surname, not the modal verb


# -- bodies, members and targets ------------------------------------------------------------------

def test_a_known_body_in_the_possessive_is_the_body():
    assert known_body("Labour's") == ("Labour Party", "United Kingdom")
    assert known_body("the Tories'") == ("Conservative Party", "United Kingdom")


@pytest.mark.parametrize("text, shape, shown, aff", [
    ("Plaid Cymru's Elfyn Llwyd", "full", "Elfyn Llwyd", "United Kingdom"),   # the party's person
    ("the Scottish Executive", "organization", "Scottish Executive", "United Kingdom"),
    ("Care International", "organization", "Care International", None),       # a kind of body
    ("the Tory leader", "title", "Tory leader", "Conservative Party"),          # a party's office
    ("Mr Hague", "surname", "Mr Hague", None),                                 # no Netherlands
    ("the chief executive", "title", "chief executive", None),                 # a person's title
    ("the prime minister's official spokesman", "title", "prime minister", None),
])
def test_bodies_offices_and_members(text, shape, shown, aff):
    form = parse_mention(text)
    assert (form.shape, form.text, form.affiliation) == (shape, shown, aff)


@pytest.mark.parametrize("text, act, expected", [
    ("a Conservative compromise offer", "reject", ("organization", "Conservative Party")),  # owner, even answered
    ("Labour's record", "criticize", ("organization", "Labour Party")),
    ("his fellow UKIP MEPs", "accuse", ("organization", "UK Independence Party")),
    ("Russian officials", "urge", ("country", "Russia")),
    ("Armenian separatists", "accuse", ("group", "Armenian separatists")),
    ("the decision by the Tories", "criticize", ("organization", "Conservative Party")),
    ("how Labour would pay", "ask", None),                    # a clause
    ("the document", "criticize", None),                      # a thing, not its publisher
    ("the government", "urge", None),                         # only the article can tell
    ("a union leader", "criticize", None),                    # somebody unnamed
    ("critics", "reject", None), ("the three men", "accuse", None), ("MPs", "urge", None),
])
def test_target_phrases(text, act, expected):
    form = parse_mention(text, role="target", act=act)
    assert ((form.shape, form.text) if form else None) == expected


# -- issue 8: appositions, reflexives, publications, documents ---------------------------

@pytest.mark.parametrize("text, expected", [
    # a party member's apposition ("Republican of Ohio") is no part of the name
    ("Senator Dana Whitlock, Republican of Ohio",
     ("full", "dana whitlock", "Dana Whitlock", None, "Senator", None)),
    ("Senator Dana Whitlock, Democrat of Ohio, who chairs the panel",
     ("full", "dana whitlock", "Dana Whitlock", None, "Senator", None)),
    # a reflexive that stresses who is meant is no part of the name
    ("Dana Whitlock herself", ("full", "dana whitlock", "Dana Whitlock", None, None, None)),
    ("Whitlock himself", ("surname", "whitlock", "Whitlock", None, None, None)),
])
def test_appositions_and_reflexives_leave_the_name(text, expected):
    assert fields(parse_mention(text)) == expected


@pytest.mark.parametrize("text, kind, key, affiliation", [
    ("the Portland Herald", "organization", "portland herald", None),
    ("the Lagos Tribune", "organization", "lagos tribune", None),
    # a country in a newspaper's name is where it is published, not the rest a surname
    ("the Norway Evening Post", "organization", "norway evening post", "Norway"),
    ("Channel Nine News", "organization", "channel nine news", None),
    # a person whose surname is such a word stays a person
    ("Mr Post", "person", "post", None),
    ("John Herald", "person", "john herald", None),
])
def test_newspapers_and_broadcasters_are_bodies(text, kind, key, affiliation):
    form = parse_mention(text)
    assert (form.kind, form.key, form.affiliation) == (kind, key, affiliation)


@pytest.mark.parametrize("text, expected", [
    ("a new poll from the Civic Research Institute",
     ("organization", "civic research institute", "Civic Research Institute", None, None, "poll")),
    ("the average of recent polls compiled by Acme Analytics Group",
     ("organization", "acme analytics group", "Acme Analytics Group", None, None, "poll")),
    ("a survey conducted by independent analyst Rosa Klemm",
     ("full", "rosa klemm", "Rosa Klemm", None, None, "survey")),
    ("a study of voters by the Civic Research Institute",
     ("organization", "civic research institute", "Civic Research Institute", None, None, "study")),
    ("Election Commission filings",
     ("organization", "election commission", "Election Commission", None, None, "filings")),
])
def test_a_document_by_a_named_author_speaks_for_the_author(text, expected):
    assert fields(parse_mention(text)) == expected


@pytest.mark.parametrize("text", ["the report", "a poll of Labour voters", "the head of the agency"])
def test_a_document_that_names_no_author_is_not_read_as_one(text):
    form = parse_mention(text)
    assert form is None or form.role is None


@pytest.mark.parametrize("text, speaks", [
    ("Ngaire Holmwood for Food Safety Norway", True),
    ("Jane Roe of the Health Agency", True),
    ("Royal Bank of Scotland", False),
    ("Trinity College of Dublin", False),
    ("Centre for Policy Studies", False),
    ("Physicians for Human Rights", False),
])
def test_a_name_then_the_body_it_speaks_for(text, speaks):
    assert speaks_for_body(text) is speaks


@pytest.mark.parametrize("text, kind, name", [
    ("Trinity College", "organization", "Trinity College"),
    ("Harbour City Museum", "organization", "Harbour City Museum"),
    # a party member's label is the party's, not a forename
    ("Republican Dana Whitlock", "person", "Dana Whitlock"),
])
def test_bodies_by_their_kind_and_party_labels(text, kind, name):
    form = parse_mention(text)
    assert (form.kind, form.name) == (kind, name)


@pytest.mark.parametrize("text, title", [
    ("curator Anna Lind", "curator"),
    ("the team coach Tom Reed", "coach"),
])
def test_occupations_read_as_titles(text, title):
    form = parse_mention(text)
    assert (form.shape, form.title) == ("full", title)


@pytest.mark.parametrize("text, expected", [
    # a person's name modifying the people or office acting for them: the person, in that role
    ("the Whitlock campaign", ("surname", "whitlock", "Whitlock", None, None, "campaign")),
    ("Whitlock campaign aides", ("surname", "whitlock", "Whitlock", None, None, "aides")),
    ("several Whitlock associates", ("surname", "whitlock", "Whitlock", None, None, "associates")),
    ("Hillary Whitlock campaign staff", ("full", "hillary whitlock", "Hillary Whitlock", None, None, "staff")),
])
def test_a_persons_campaign_and_aides_speak_for_the_person(text, expected):
    assert fields(parse_mention(text)) == expected


@pytest.mark.parametrize("text", ["the Vote Leave campaign", "Whitlock supporters", "a Harbour Bank spokesman",
                                  "Defense lawyers", "Dr Jane Whitlock of the Patent Office"])
def test_a_campaign_with_no_persons_name_and_supporters_are_not_the_person(text):
    form = parse_mention(text)
    assert not (form.kind == "person" and form.role)  # no person speaking through a proxy


@pytest.mark.parametrize("text, name", [
    ("President Whitlock originally", "President Whitlock"),  # a trailing adverb
    ("Whitlock entered the debate with", "Whitlock"),  # a span run on into its clause
    ("Dana Whitlock picked up the phone", "Dana Whitlock"),
    ("Dana Whitlock in The Harbour Post", "Dana Whitlock"),  # where she wrote
    ("the Harbour Chamber of Commerce", "Harbour Chamber of Commerce"),  # a body, not Mr Chamber
    ("Whitlock the church's property", "Whitlock"),  # run on past the name ...
    ("Alexander the Great", "Alexander the Great"),  # ... unlike an epithet
])
def test_run_on_spans_keep_the_name(text, name):
    assert parse_mention(text).text == name


@pytest.mark.parametrize("text, expected", [
    # capitalised words, then a lower-case title and no name: where the office is
    ("the Harbour coach", ("title", "coach", "Harbour coach", "Harbour", "coach", None)),
    ("the Ohio senator", ("title", "senator", "Ohio senator", "Ohio", "senator", None)),
    # a name after the title is the holder
    ("Harbour coach Tom Reed", ("full", "tom reed", "Tom Reed", None, "Harbour coach", None)),
    # an abbreviated title's full stop ends no sentence
    ("Sen. Dana Whitlock", ("full", "dana whitlock", "Dana Whitlock", None, "Sen.", None)),
    ("Gov. Dana Whitlock of Ohio", ("full", "dana whitlock", "Dana Whitlock", "Ohio", "Gov.", None)),
    # a body, then one who speaks for it: the body speaks, the role kept
    ("a Harbourline representative", ("organization", "harbourline", "Harbourline", None, None, "representative")),
    ("an Investment Ministry official",
     ("organization", "investment ministry", "Investment Ministry", None, None, "official")),
])
def test_titles_before_and_after_capitalised_words(text, expected):
    assert fields(parse_mention(text)) == expected


@pytest.mark.parametrize("text, name, title", [
    ("the Trade and Industry Secretary Ann Marlow", "Ann Marlow", "Trade and Industry Secretary"),
    ("Work and Pensions Secretary Ms Marlow", "Marlow", "Work and Pensions Secretary"),
    ("Fisheries Minister Per Halvorsen", "Per Halvorsen", "Fisheries Minister"),
])
def test_a_portfolio_joined_by_and_belongs_to_the_title(text, name, title):
    m = parse_mention(text)
    assert (m.name, m.title, m.kind) == (name, title, "person")



@pytest.mark.parametrize("text, name, title", [
    ("Culture, Media and Sport Secretary Tessa Jowell", "Tessa Jowell", "Culture, Media and Sport Secretary"),
    ("the Environment, Food and Rural Affairs Secretary Ann Marlow", "Ann Marlow",
     "Environment, Food and Rural Affairs Secretary"),
    ("Housing, Communities and Local Government Minister Per Halvorsen", "Per Halvorsen",
     "Housing, Communities and Local Government Minister"),
    ("Energy, Mines, and Resources Minister Dana Whitlock", "Dana Whitlock", "Energy, Mines, and Resources Minister"),
    # the same office after the name, in apposition
    ("Ann Marlow, Culture, Media and Sport Secretary", "Ann Marlow", "Culture, Media and Sport Secretary"),
])
def test_a_comma_separated_portfolio_belongs_to_the_title(text, name, title):
    m = parse_mention(text)
    assert (m.shape, m.name, m.title, m.kind) == ("full", name, title, "person")


def test_a_comma_separated_portfolio_alone_is_a_title():
    m = parse_mention("the Culture, Media and Sport Secretary")
    assert (m.shape, m.title, m.kind) == ("title", "Culture, Media and Sport Secretary", "person")


@pytest.mark.parametrize("text, first", [
    ("Blair, Brown and Prescott", "Blair"),  # a list of people: no title after it
    ("Hill, Dahl and Berg said", "Hill"),
    ("Tom Hill, Erna Dahl and Home Secretary Ann Marlow", "Tom Hill"),  # forenames: people
    ("Home Secretary, Chancellor and Foreign Secretary Ann Marlow", None),  # offices: their holders
    ("France, Germany and Britain Foreign Minister", None),  # countries
])
def test_a_list_of_people_places_or_offices_is_no_portfolio(text, first):
    assert portfolio_lists(text) == []
    m = parse_mention(text)
    assert "," not in (m.title or "")
    if first is not None:
        assert m.name == first


def test_portfolio_lists_are_found_in_running_text_by_offset():
    text = ("Later Culture, Media and Sport Secretary Ann Marlow spoke. Mr Nath, Commerce and Industry "
            "Minister Dana Whitlock and the Energy, Mines and Resources Minister left.")
    found = [(text[a:t], text[t:e]) for a, t, e in portfolio_lists(text)]
    # "Later" opens the sentence; "Mr Nath" is a name before a list, not an item of it
    assert found == [("Culture, Media and Sport ", "Secretary"), ("Energy, Mines and Resources ", "Minister")]


def test_a_pronoun_after_a_description_is_no_surname():
    # "As a Dunmore voter I ...": the source span ran on to the pronoun; "I" is nobody's name
    m = parse_mention("a Dunmore voter I")
    assert m is None or m.name != "I"
    assert parse_mention("Mr Lee").name == "Lee"


def test_a_bodys_name_with_a_comma_list_is_no_portfolio():
    # "Department for Culture, Media and Sport" names the department: its spokeswoman is not
    # the holder of a "Culture, Media and Sport spokeswoman" office
    assert portfolio_lists("A Department for Culture, Media and Sport spokeswoman said it would") == []
    assert portfolio_lists("In September, Trade and Industry Secretary Ann Lee said") == []  # a date


@pytest.mark.parametrize("text, shape, key, role", [
    ("The book, by journalist Mary Stone and serialised in the paper", "full", "mary stone", "book"),
    ("The survey, from Acme University,", "organization", "acme university", "survey"),
    ("The report", "document", "report", None),          # only the article can say whose
    ("Tom Reed, by contrast,", "full", "tom reed", None),  # no document: "by" is no author
])
def test_a_document_followed_by_its_author_after_a_comma_speaks_for_the_author(text, shape, key, role):
    form = parse_mention(text)
    assert (form.shape, form.key, form.role) == (shape, key, role)


@pytest.mark.parametrize("text, key", [
    ("Mary Stone and later told the court", "mary stone"),           # a clause run on: cut
    ("Former Minister and party leader Dana Lee", "dana lee"),       # a title joined by "and": kept
])
def test_a_clause_run_on_after_a_name_is_cut_but_a_joined_title_is_kept(text, key):
    assert parse_mention(text).key == key


@pytest.mark.parametrize("text, title, affiliation", [
    ("the home secretary", "home secretary", None),             # the portfolio stays in the office
    ("the new home secretary", "home secretary", None),         # a description does not
    ("the work and pensions minister", "work and pensions minister", None),
    ("the shadow chancellor", "shadow chancellor", None),       # a rank makes another office
    ("a senior judge", "judge", None),
    ("the Tory leader", "leader", "Conservative Party"),        # a party's office
])
def test_a_nameless_office_keeps_its_lower_case_portfolio_and_rank(text, title, affiliation):
    form = parse_mention(text, kind="person")
    assert (form.shape, form.title, form.affiliation) == ("title", title, affiliation)


@pytest.mark.parametrize("text, key, title", [
    ("former Tory leader Ian Pike", "ian pike", "former Tory leader"),
    ("shadow Home Secretary Dan Ellis", "dan ellis", "shadow Home Secretary"),
    ("former Chancellor Ken Hale", "ken hale", "former Chancellor"),
    ("Home Secretary Ann Lee", "ann lee", "Home Secretary"),    # no rank: as before
])
def test_a_rank_before_a_named_office_stays_in_the_title(text, key, title):
    form = parse_mention(text)
    assert (form.shape, form.key, form.title) == ("full", key, title)


@pytest.mark.parametrize("text, body, office", [
    ("Tory leader", "Conservative Party", "leader"),
    ("Liberal Democrat home affairs spokesman", "Liberal Democrats", "home affairs spokesman"),
    ("US Secretary of State", "United States", "Secretary of State"),
    ("former Tory leader", None, "former Tory leader"),   # a former holder's title is another office
    ("Home Secretary", None, "Home Secretary"),
])
def test_title_body_splits_the_body_a_title_opens_with(text, body, office):
    assert title_body(text) == (body, office)


@pytest.mark.parametrize("text, kind, key, affiliation", [
    ("Labour MPs", "person", "labour party mps", "Labour Party"),
    ("Some 32 Tory MPs", "person", "conservative party mps", "Conservative Party"),
    ("Conservative MPs", None, "conservative party mps", "Conservative Party"),
    ("some MPs", "person", "mps", None),
    ("pro-hunt campaigners", None, "pro-hunt campaigners", None),
])
def test_people_of_a_kind_speak_as_a_group_never_a_person(text, kind, key, affiliation):
    form = parse_mention(text, kind=kind)
    assert (form.shape, form.key, form.affiliation) == ("group", key, affiliation)


def test_a_surname_that_is_also_a_plural_noun_stays_a_person():
    assert parse_mention("Tony Banks", kind="person").shape == "full"


@pytest.mark.parametrize("text, key", [
    ("the Harbour Herald, Emeritus Professor Jo Burr, the chairman of the panel", "jo burr"),
    ("the BBC, Dr Ann Lee", "ann lee"),
    ("the Harbour Herald, the city's oldest paper", "harbour herald"),   # a description: the body
])
def test_a_person_named_in_full_after_a_body_and_a_comma_is_the_speaker(text, key):
    assert parse_mention(text).key == key


@pytest.mark.parametrize("text, shape, key", [
    ("Ms King", "surname", "king"),          # a surname that is also a title word
    ("Mr Judge", "surname", "judge"),
    ("Mr President", "title", "president"),  # an office its holder is addressed by
    ("Lord Chancellor", "title", "chancellor"),
])
def test_a_title_word_after_an_honorific_is_a_surname_unless_an_address(text, shape, key):
    form = parse_mention(text, kind="person")
    assert (form.shape, form.key) == (shape, key)


@pytest.mark.parametrize("text, country", [
    ("NATO member Estonia", "Estonia"),
    ("its neighbour Ukraine", "Ukraine"),
    ("rebels in eastern Ukraine", None),       # people in a place, not the place
    ("the Foreign Ministry of Norway", None),  # a body of the country
])
def test_a_country_after_a_description_is_the_country(text, country):
    form = parse_mention(text, role="target")
    assert (form.key if form.shape == "country" else None) == country


@pytest.mark.parametrize("text, kind, shape, key", [
    ("Oona Vale King", "person", "full", "oona vale king"),
    ("Mira King", "person", "full", "mira king"),         # a recognized person: the title word is her surname
    ("Mira King", None, "surname", "mira"),                # nothing says person: as before
    ("Frank Hale MP", None, "full", "frank hale"),        # a title after a name stays a title
    ("the Foreign Secretary", "person", "title", "foreign secretary"),  # the portfolio is the office's
    ("Chief Constable", "person", "title", "chief constable"),
])
def test_title_words_that_are_surnames(text, kind, shape, key):
    form = parse_mention(text, kind=kind)
    assert (form.shape, form.key) == (shape, key)


def test_an_of_inside_a_title_sets_off_no_affiliation():
    form = parse_mention("Former Secretary of State and party candidate Dana Whitlock")
    assert (form.shape, form.key) == ("full", "dana whitlock")


@pytest.mark.parametrize("text", ["Many", "those", "many of whom", "Others", "our correspondent"])
def test_counted_people_and_our_own_reporter_name_nobody(text):
    assert parse_mention(text) is None


@pytest.mark.parametrize("text, key", [
    ("accountancy firm Hale & Lund", "hale lund"),   # a kind of body, then its name: the body
    ("campaign group Fairway", "fairway"),
])
def test_a_description_ending_with_a_kind_of_body_then_its_name_is_the_body(text, key):
    form = parse_mention(text)
    assert (form.shape, form.key) == ("organization", key)


@pytest.mark.parametrize("text, kind", [("Hale & Lund", None), ("Hale & Lund", "person")])
def test_capitalised_names_joined_by_an_ampersand_are_a_body(text, kind):
    assert parse_mention(text, kind=kind).shape == "organization"


@pytest.mark.parametrize("text, shape, key", [
    ("Earlier chief constable Green", "surname", "green"),   # a sentence opener is no forename
    ("Our research", "document", "research"),                # "our" + a document: its author speaks
])
def test_openers_and_our_documents(text, shape, key):
    form = parse_mention(text)
    assert (form.shape, form.key) == (shape, key)


@pytest.mark.parametrize("text, shape, key", [
    ("the rebels who threaten Estonia today", "group", None),            # a clause, not "Estonia"
    ("Secretary of State for Culture", "title", "secretary of state for culture"),
    ("Secretary of State for Health John Reid", "full", "john reid"),
])
def test_clauses_and_for_portfolios(text, shape, key):
    form = parse_mention(text)
    assert form.shape == shape and (key is None or form.key == key)
