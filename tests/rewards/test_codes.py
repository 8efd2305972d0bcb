import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from community.refusals import Invalid
from moderation.models import ModerationAction
from rewards.models import DiscountCode
from rewards.services import codes
from tests.factories import BrandStaffFactory, UserFactory
from tests.rewards.factories import make_pool

pytestmark = pytest.mark.django_db


def test_a_csv_of_codes_is_read_from_its_first_column_skipping_a_header_and_blank_rows():
    data = b"\xef\xbb\xbfcode,value\nSHOP-AAA1,10\n\nSHOP-AAA2,10\n"
    assert codes.parse_codes_csv(data) == ["SHOP-AAA1", "SHOP-AAA2"]


@pytest.mark.parametrize(("data", "message"), [
    (b"\xff\xfe", "not UTF-8"), (b"code\n", "no codes"), (b"GOOD-1\nbad code!\n", "Line 2"),
])
def test_a_bad_csv_is_refused_with_the_reason(data, message):
    with pytest.raises(Invalid, match=message):
        codes.parse_codes_csv(data)


def test_importing_skips_codes_already_in_the_pool_and_is_audited():
    staff = BrandStaffFactory()
    pool = make_pool(codes=0, name="Summer")
    assert codes.add_codes(actor=staff, pool=pool, codes=["A-111", "A-222"], how="Imported") == (2, 0)
    assert codes.add_codes(actor=staff, pool=pool, codes=["A-222", "A-333", "A-333"],
                           how="Imported") == (1, 2)
    assert DiscountCode.objects.filter(pool=pool).count() == 3
    assert ModerationAction.objects.filter(object_id=pool.pk, actor=staff).count() == 2


def test_generated_codes_carry_the_pool_prefix():
    pool = make_pool(codes=0, prefix="HEARTH10")
    assert codes.generate_codes(actor=BrandStaffFactory(), pool=pool, count=25) == 25
    assert all(code.startswith("HEARTH10-") for code in pool.codes.values_list("code", flat=True))
    with pytest.raises(Invalid):
        codes.generate_codes(actor=BrandStaffFactory(), pool=pool, count=0)


def test_staff_import_a_csv_in_the_admin_and_see_what_is_left(client):
    pool = make_pool(codes=1, name="Spring")
    client.force_login(BrandStaffFactory())
    url = f"/admin/rewards/pools/{pool.pk}/codes/"
    assert "running low" in client.get(url).content.decode()
    upload = SimpleUploadedFile("codes.csv", b"code\nSPRING-0001\nSPRING-0002\n", "text/csv")
    response = client.post(url, {"import": "1", "file": upload})
    assert response.status_code == 302
    assert pool.codes.count() == 3
    bad = SimpleUploadedFile("codes.csv", b"not a code!\n", "text/csv")
    response = client.post(url, {"import": "1", "file": bad})
    assert response.status_code == 400
    assert pool.codes.count() == 3
    response = client.post(url, {"generate": "1", "count": "abc"})
    assert response.status_code == 400


def test_a_customer_cannot_open_the_codes_screen(client):
    pool = make_pool(codes=1)
    client.force_login(UserFactory())
    response = client.get(f"/admin/rewards/pools/{pool.pk}/codes/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
