"""A NUL character in an address's parameters is refused plainly (PostgreSQL cannot store or compare it)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/?x=%00", "/track?code=AB%00CD", "/services?q=%00", "/lang/en?next=%00"])
def test_a_nul_in_the_address_is_a_400_page_in_the_reader_s_language(client, path):
    response = client.get(path)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'lang="fa"' in html and "Traceback" not in html


def test_the_back_office_list_filter_with_a_nul_is_refused_not_a_500(client):
    response = client.get("/admin/queue/?flt0_0=%00")
    assert response.status_code == 400
