<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>HomePage</name>
    <message>
        <location filename="../main_window.py" line="40"/>
        <source>Mobile ID enrolment</source>
        <translation>Cấp căn cước lưu động</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="41"/>
        <source>Take applications for the chip-based ID card where there is no network. Records are sealed and sent to the hub when a connection returns.</source>
        <translation>Thu nhận hồ sơ cấp thẻ căn cước gắn chip ở nơi không có mạng. Hồ sơ được niêm phong và gửi về trung tâm khi có kết nối trở lại.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="43"/>
        <source>Devices</source>
        <translation>Thiết bị</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="44"/>
        <source>Camera</source>
        <translation>Máy ảnh</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="44"/>
        <source>Fingerprint scanner</source>
        <translation>Máy quét vân tay</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="45"/>
        <source>Slap scanner</source>
        <translation>Máy quét bốn ngón</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="45"/>
        <source>Card QR reader</source>
        <translation>Đầu đọc mã QR trên thẻ</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="48"/>
        <source>Data folder: %1</source>
        <translation>Thư mục dữ liệu: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="98"/>
        <source>FieldKit — ID enrolment</source>
        <translation>FieldKit — Thu nhận hồ sơ căn cước</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="99"/>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
</context>
</TS>
