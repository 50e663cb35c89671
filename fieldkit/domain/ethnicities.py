"""The 54 ethnic groups of Viet Nam, by name (records store the name: the two official code lists disagree).

Order and spelling follow the statistics office list (Tổng cục Thống kê). Matching ignores case, diacritics,
spaces, hyphens and apostrophes, so "Ê Đê", "Ê-đê" and "Êđê" are one group; a few other common names are aliases.
"""

from __future__ import annotations

import re

from fieldkit.domain.names import fold

ETHNIC_GROUPS: tuple[str, ...] = (
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ê Đê", "Ba Na", "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông",
    "Thổ", "Xtiêng", "Khơ Mú", "Bru Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ Triêng", "Co",
    "Chơ Ro", "Xinh Mun", "Hà Nhì", "Chu Ru", "Lào", "La Chí", "Kháng", "Phù Lá", "La Hủ", "La Ha",
    "Pà Thẻn", "Lự", "Ngái", "Chứt", "Lô Lô", "Mảng", "Cơ Lao", "Bố Y", "Cống", "Si La",
    "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
)

# Other names in common use → the listed name.
_ALIASES = {
    "khome": "Khmer", "hmong": "Mông", "jrai": "Gia Rai", "bahnar": "Ba Na", "kho": "Cơ Ho", "coho": "Cơ Ho",
    "monong": "Mnông", "stieng": "Xtiêng", "khmu": "Khơ Mú", "vankieu": "Bru Vân Kiều", "katu": "Cơ Tu",
    "caolan": "Sán Chay", "sanchi": "Sán Chay", "paco": "Tà Ôi", "sedang": "Xơ Đăng", "rade": "Ê Đê",
    "cham": "Chăm", "chut": "Chứt",
}


def _key(text: str) -> str:
    return re.sub(r"[\s\-'\u2019\u02bc]", "", fold(text))


_INDEX = {**{_key(name): name for name in ETHNIC_GROUPS}, **_ALIASES}


def find_ethnic_group(text: str) -> str | None:
    """The listed name of the group `text` names, or None."""
    return _INDEX.get(_key(text or ""))
