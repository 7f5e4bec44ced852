"""Payment methods by the names people use, in their language: never the provider's code."""

from datetime import date

from tests.gifts import paid_gift


def test_give_form_names_methods_in_dutch(client, login, make_user, make_initiative):
    login(make_user())
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}/give").get_data(as_text=True)
    assert '<label for="method-1">Creditcard</label>' in page
    assert ">Card<" not in page
    english = client.get(f"/initiatives/{initiative.slug}/give?lang=en").get_data(as_text=True)
    assert '<label for="method-1">Card</label>' in english


def test_yearly_overview_names_the_method(client, login, make_user, make_initiative):
    donor = login(make_user())
    paid_gift(make_initiative(), 2500, date(2025, 3, 1), user=donor, method="creditcard")
    page = client.get("/donations/overview/2025").get_data(as_text=True)
    assert "<td>Creditcard</td>" in page
