"""A supervisor's government certificate on a PKCS#11 USB token ("chứng thư số chuyên dùng", Ban Cơ yếu).

    config = TokenConfig.from_settings(settings)
    chain = read_certificates(config)                       # no PIN: certificates are public objects
    with open_token_signer(config, pin, user_id, bound_certificate) as signer:
        signature = signer.sign(message)                    # ECDSA P-256 or RSA-2048, whichever the token holds

The PIN is used for one login and never stored. Every failure is a `TokenError` with a stable code and a
message in Vietnamese and English (`message(language)`): no token or module, wrong PIN, PIN locked, token
removed, no key, a certificate that is not the supervisor's own.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import utils
from cryptography.hazmat.primitives.serialization import Encoding

from fieldkit.packets.cosigner import ECDSA_P256_SHA256, algorithm_for, verify_signature

# code: (Vietnamese, English)
MESSAGES = {
    "token_module": ("Không nạp được trình điều khiển token (PKCS#11): {detail}. Báo kỹ thuật viên kiểm tra cài đặt.",
                     "The token's PKCS#11 module could not be loaded: {detail}. Ask a technician to check the settings."),
    "token_missing": ("Không thấy token chữ ký số. Cắm token vào máy rồi thử lại.",
                      "No signing token found. Plug the token in and try again."),
    "token_removed": ("Token đã bị rút ra trong khi ký. Hồ sơ chưa được duyệt; cắm lại token và duyệt lại.",
                      "The token was removed while signing. The record was not approved; plug it back in and approve again."),
    "wrong_pin": ("Mã PIN của token không đúng. Nhập lại (token sẽ khóa sau nhiều lần sai).",
                  "Wrong token PIN. Try again (the token locks after several wrong PINs)."),
    "pin_locked": ("Mã PIN của token đã bị khóa. Liên hệ đơn vị cấp chứng thư số để mở khóa.",
                   "The token's PIN is locked. Contact the certificate issuer to unlock it."),
    "no_key": ("Token không có khóa ký hoặc chứng thư số phù hợp.",
               "The token holds no suitable signing key or certificate."),
    "wrong_certificate": ("Chứng thư số trên token không phải của cán bộ đang đăng nhập.",
                          "The certificate on the token is not the logged-in supervisor's."),
    "certificate_expired": ("Chứng thư số của token đã hết hạn hoặc chưa có hiệu lực ({detail}).",
                            "The token's certificate has expired or is not yet valid ({detail})."),
    "certificate_untrusted": ("Chứng thư số của token không do tổ chức được tin cậy cấp ({detail}).",
                              "The token's certificate is not issued by a trusted authority ({detail})."),
    "token_error": ("Token báo lỗi: {detail}.", "The token reported an error: {detail}."),
}


class TokenError(Exception):
    def __init__(self, code: str, detail: str = ""):
        self.code, self.detail = code, detail
        super().__init__(f"{code}: {self.message('en')}")

    def message(self, language: str = "vi") -> str:
        vi, en = MESSAGES[self.code]
        return (vi if language == "vi" else en).format(detail=self.detail)


@dataclass(frozen=True)
class TokenConfig:
    module: str                 # path of the vendor's PKCS#11 library (.so / .dll)
    label: str = ""             # token label; "" = the only token present
    slot: int | None = None     # or a slot id

    @classmethod
    def from_settings(cls, settings) -> "TokenConfig":
        slot = getattr(settings, "token_slot", -1)
        return cls(settings.token_module, getattr(settings, "token_label", ""), None if slot < 0 else slot)


def _lib(config: TokenConfig):
    import pkcs11

    if not config.module:
        raise TokenError("token_module", "no module path is set (setting token_module)")
    try:
        return pkcs11.lib(config.module)
    except (OSError, RuntimeError, pkcs11.exceptions.PKCS11Error) as exc:
        raise TokenError("token_module", type(exc).__name__) from None


def _token(config: TokenConfig):
    import pkcs11

    lib = _lib(config)
    try:
        tokens = [s.get_token() for s in lib.get_slots(token_present=True)
                  if config.slot is None or s.slot_id == config.slot]
    except pkcs11.exceptions.PKCS11Error as exc:
        raise _mapped(exc) from None
    tokens = [t for t in tokens if not config.label or t.label == config.label]
    if not tokens:
        raise TokenError("token_missing")
    return tokens[0]


def read_certificates(config: TokenConfig) -> list[x509.Certificate]:
    """Every X.509 certificate on the token, the signer's own (not a CA) first; no PIN needed."""
    return [cert for cert, _key_id in _certificate_objects(config)]


def _certificate_objects(config: TokenConfig) -> list[tuple[x509.Certificate, bytes]]:
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    token = _token(config)
    try:
        with token.open() as session:
            found = [(x509.load_der_x509_certificate(obj[Attribute.VALUE]), _attr(obj, Attribute.ID))
                     for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})]
    except pkcs11.exceptions.PKCS11Error as exc:
        raise _mapped(exc) from None
    if not found:
        raise TokenError("no_key", "no certificate on the token")
    return sorted(found, key=lambda item: _is_ca(item[0]))


def _attr(obj, attribute) -> bytes:
    try:
        return bytes(obj[attribute])
    except Exception:  # noqa: BLE001 - an optional attribute the token does not set
        return b""


@dataclass
class TokenCoSigner:
    """A logged-in token session bound to one certificate; close() logs out (the PIN is gone already)."""

    user_id: str
    chain: list[x509.Certificate]
    algorithm: str
    _session: object = field(repr=False)
    _key: object = field(repr=False)

    def sign(self, message: bytes) -> bytes:
        import pkcs11
        from pkcs11 import Mechanism

        if self._key is None:
            raise TokenError("token_removed")
        try:
            if self.algorithm == ECDSA_P256_SHA256:
                raw = self._key.sign(hashlib.sha256(message).digest(), mechanism=Mechanism.ECDSA)
                half = len(raw) // 2
                signature = utils.encode_dss_signature(int.from_bytes(raw[:half], "big"),
                                                       int.from_bytes(raw[half:], "big"))
            else:
                signature = self._key.sign(message, mechanism=Mechanism.SHA256_RSA_PKCS)
        except pkcs11.exceptions.PKCS11Error as exc:
            raise _mapped(exc, during_use=True) from None
        # A key that is not the certificate's would only be caught at the hub, after the draft is erased.
        if not verify_signature(self.algorithm, self.chain[0].public_key(), signature, message):
            raise TokenError("no_key", "the token's key does not match its certificate")
        return signature

    def manifest_entry(self) -> dict:
        return {"user_id": self.user_id, "kind": "token", "algorithm": self.algorithm,
                "certificates": [base64.b64encode(c.public_bytes(Encoding.DER)).decode("ascii")
                                 for c in self.chain]}

    def close(self) -> None:
        session, self._session, self._key = self._session, None, None
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - a token pulled out has no session left to close
                pass

    def __enter__(self) -> "TokenCoSigner":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_token_signer(config: TokenConfig, pin: str, user_id: str,
                      bound_certificate: bytes | None = None) -> TokenCoSigner:
    """Log in with `pin` and find the private key of the token's certificate.

    `bound_certificate` (DER) is the certificate the supervisor bound at `user add --token`: a token holding
    someone else's certificate is refused before the PIN is even tried.
    """
    import pkcs11

    objects = _certificate_objects(config)
    leaf, key_id = objects[0]
    if bound_certificate is not None and leaf.public_bytes(Encoding.DER) != bytes(bound_certificate):
        raise TokenError("wrong_certificate")
    try:
        algorithm = algorithm_for(leaf.public_key())
    except ValueError:
        raise TokenError("no_key", "unsupported key type") from None
    try:
        session = _token(config).open(user_pin=pin)
    except pkcs11.exceptions.PKCS11Error as exc:
        raise _mapped(exc) from None
    try:
        key = _private_key(session, key_id)
    except BaseException:
        session.close()
        raise
    return TokenCoSigner(user_id, [cert for cert, _ in objects], algorithm, session, key)


def _private_key(session, key_id: bytes):
    """The private key sharing the certificate's CKA_ID (PKCS#11 convention), or the token's only one."""
    from pkcs11 import Attribute, ObjectClass

    keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
    matching = [k for k in keys if key_id and _attr(k, Attribute.ID) == key_id]
    if matching or len(keys) == 1:
        return (matching or keys)[0]
    raise TokenError("no_key", "no private key matches the certificate")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _mapped(exc, during_use: bool = False) -> TokenError:
    """PKCS#11 return values → the codes people are told about."""
    from pkcs11 import exceptions as e

    if isinstance(exc, e.PinIncorrect):
        return TokenError("wrong_pin")
    if isinstance(exc, e.PinLocked):
        return TokenError("pin_locked")
    if isinstance(exc, (e.DeviceRemoved, e.TokenNotPresent, e.SessionClosed, e.SessionHandleInvalid,
                        e.TokenNotRecognised)):
        return TokenError("token_removed" if during_use else "token_missing")
    return TokenError("token_error", type(exc).__name__)
