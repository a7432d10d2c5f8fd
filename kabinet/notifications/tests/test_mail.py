from email import message_from_bytes

from django.core.mail import EmailMessage

from kabinet.notifications.mail import EmlFileBackend


def test_each_message_is_written_as_its_own_eml_file(tmp_path):
    backend = EmlFileBackend(file_path=str(tmp_path))
    messages = [
        EmailMessage("Підтвердіть адресу", "Посилання: http://x/confirm/1", to=["a@example.com"]),
        EmailMessage("Нагадування", "Подайте показання", to=["b@example.com"]),
    ]

    sent = backend.send_messages(messages)

    files = sorted(tmp_path.glob("*.eml"))
    assert sent == 2
    assert len(files) == 2
    parsed = message_from_bytes(files[0].read_bytes())
    assert parsed["To"] == "a@example.com"
    assert "http://x/confirm/1" in parsed.get_payload(decode=True).decode()


def test_no_partial_file_is_left_behind(tmp_path):
    backend = EmlFileBackend(file_path=str(tmp_path / "new"))

    backend.send_messages([EmailMessage("s", "b", to=["a@example.com"])])

    assert [path.suffix for path in (tmp_path / "new").iterdir()] == [".eml"]
