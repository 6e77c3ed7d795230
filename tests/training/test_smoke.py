def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Passerelle" in response.data


def test_login_with_factory(login_as, client):
    user = login_as("admin")
    assert client.get("/admin/users").status_code == 200
    assert user.email.encode() in client.get("/admin/users").data
