<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>CorrectionsBox</name>
    <message>
        <location filename="../pages/enrolment/find.py" line="194"/>
        <source>Corrections to the population database: proof shown</source>
        <translation>Điều chỉnh CSDL dân cư: giấy tờ chứng minh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="214"/>
        <source>Document shown (birth certificate, household book…)</source>
        <translation>Giấy tờ xuất trình (giấy khai sinh, sổ hộ khẩu…)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="215"/>
        <source>Officer&apos;s note</source>
        <translation>Ghi chú của cán bộ</translation>
    </message>
</context>
<context>
    <name>DemographicsForm</name>
    <message>
        <location filename="../pages/enrolment/form.py" line="147"/>
        <source>Full birth name</source>
        <translation>Họ, chữ đệm và tên khai sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="147"/>
        <source>Other names (comma between names)</source>
        <translation>Tên gọi khác (cách nhau bằng dấu phẩy)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="148"/>
        <source>Personal ID number (12 digits)</source>
        <translation>Số định danh cá nhân (12 chữ số)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="148"/>
        <source>Old CMND number (9 digits)</source>
        <translation>Số CMND cũ (9 chữ số)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="149"/>
        <source>Date of birth (DD/MM/YYYY, MM/YYYY or YYYY)</source>
        <translation>Ngày sinh (NN/TT/NNNN, TT/NNNN hoặc NNNN)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="149"/>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="150"/>
        <source>Ethnicity</source>
        <translation>Dân tộc</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="150"/>
        <source>Religion</source>
        <translation>Tôn giáo</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="150"/>
        <source>Nationality</source>
        <translation>Quốc tịch</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="151"/>
        <source>Place of birth registration (province)</source>
        <translation>Nơi đăng ký khai sinh (tỉnh, thành phố)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="152"/>
        <source>Residence: province</source>
        <translation>Nơi cư trú: tỉnh, thành phố</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="152"/>
        <source>Residence: commune</source>
        <translation>Nơi cư trú: xã, phường</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="153"/>
        <source>Residence: village, house number</source>
        <translation>Nơi cư trú: thôn, buôn, số nhà</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="153"/>
        <source>Home town (quê quán)</source>
        <translation>Quê quán</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="154"/>
        <source>Legal representative (under 14): name</source>
        <translation>Người đại diện (dưới 14 tuổi): họ tên</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="155"/>
        <source>Representative&apos;s personal ID</source>
        <translation>Số định danh của người đại diện</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="156"/>
        <source>Relationship (father, mother, guardian)</source>
        <translation>Quan hệ (cha, mẹ, người giám hộ)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="156"/>
        <source>Mobile phone</source>
        <translation>Số điện thoại di động</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="161"/>
        <source>— choose —</source>
        <translation>— chọn —</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="162"/>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="163"/>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="164"/>
        <source>Old card (QR code)</source>
        <translation>Thẻ cũ (mã QR)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="165"/>
        <source>Scan the card&apos;s QR</source>
        <translation>Quét mã QR trên thẻ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="166"/>
        <source>…or paste the QR text here</source>
        <translation>…hoặc dán nội dung mã QR vào đây</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="167"/>
        <source>Use this text</source>
        <translation>Dùng nội dung này</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="320"/>
        <source>Opening the QR reader…</source>
        <translation>Đang mở máy đọc mã QR…</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="324"/>
        <source>Hold the card&apos;s QR code under the reader…</source>
        <translation>Đưa mã QR trên thẻ vào dưới máy đọc…</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="327"/>
        <source>No code was read. Try again.</source>
        <translation>Chưa đọc được mã. Hãy thử lại.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="332"/>
        <source>The QR reader failed: %1</source>
        <translation>Máy đọc mã QR bị lỗi: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="339"/>
        <source>This is not an ID card QR: %1</source>
        <translation>Đây không phải mã QR của thẻ căn cước: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="347"/>
        <source>Filled in from the card. Check every field with the citizen.</source>
        <translation>Đã điền từ thẻ. Hãy cùng người dân kiểm tra từng mục.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="357"/>
        <source>The scanner garbled the text and it was repaired: check it against the card.</source>
        <translation>Máy đọc làm sai chữ và đã được sửa lại: hãy đối chiếu với thẻ.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="359"/>
        <source>The old CMND number on the card is not 9 digits; it was left out.</source>
        <translation>Số CMND cũ trên thẻ không đủ 9 chữ số nên đã bỏ qua.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="361"/>
        <source>Letters of the address were lost in the code (? or �): check it against the card.</source>
        <translation>Một số chữ của địa chỉ bị mất trong mã (? hoặc �): hãy đối chiếu với thẻ.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/form.py" line="362"/>
        <source>Check the fields filled from the card against the card itself.</source>
        <translation>Hãy đối chiếu các trường điền từ thẻ với chính thẻ.</translation>
    </message>
</context>
<context>
    <name>EnrolmentController</name>
    <message>
        <location filename="../pages/enrolment/controller.py" line="165"/>
        <source>The record still has errors: go back and correct what is marked ⛔.</source>
        <translation>Hồ sơ còn lỗi: hãy quay lại sửa các mục có dấu ⛔.</translation>
    </message>
</context>
<context>
    <name>EnrolmentWizard</name>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="114"/>
        <source>Not saved: %1</source>
        <translation>Chưa lưu được: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="124"/>
        <source>1 Information</source>
        <translation>1 Thông tin</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="124"/>
        <source>2 Face</source>
        <translation>2 Ảnh mặt</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="124"/>
        <source>3 Fingerprints</source>
        <translation>3 Vân tay</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="124"/>
        <source>4 Check</source>
        <translation>4 Kiểm tra</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="125"/>
        <source>5 Slip</source>
        <translation>5 Giấy hẹn</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="125"/>
        <source>Find in the database</source>
        <translation>Tìm trong CSDL</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="128"/>
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="129"/>
        <source>Next</source>
        <translation>Tiếp theo</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="130"/>
        <source>New citizen</source>
        <translation>Công dân mới</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="131"/>
        <source>Discard this draft</source>
        <translation>Hủy bản nháp này</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="132"/>
        <source>Yes, discard it</source>
        <translation>Đồng ý hủy</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="200"/>
        <source>Returned by the supervisor: %1</source>
        <translation>Cán bộ phụ trách trả lại: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="257"/>
        <source>Correct the fields marked ⛔ first.</source>
        <translation>Hãy sửa các mục có dấu ⛔ trước.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="262"/>
        <source>The face photo has not been taken yet.</source>
        <translation>Chưa chụp ảnh mặt.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="266"/>
        <source>Finish the fingerprints, or record why a finger cannot be printed.</source>
        <translation>Hãy lấy xong vân tay, hoặc ghi lý do ngón không lấy được.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/wizard.py" line="290"/>
        <source>Saved (encrypted), version %1</source>
        <translation>Đã lưu (mã hóa), lần %1</translation>
    </message>
</context>
<context>
    <name>FaceCapturePage</name>
    <message>
        <location filename="../pages/enrolment/face.py" line="133"/>
        <source>Face photo: the photo is taken by itself when the face is well placed</source>
        <translation>Ảnh mặt: máy tự chụp khi khuôn mặt ở đúng vị trí</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="134"/>
        <source>Take the photo again</source>
        <translation>Chụp lại</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="135"/>
        <source>Keep the best photo so far</source>
        <translation>Giữ ảnh tốt nhất đến lúc này</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="136"/>
        <source>Why no photo can be taken</source>
        <translation>Lý do không chụp được ảnh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="137"/>
        <source>Record: no photo possible</source>
        <translation>Ghi nhận: không chụp được ảnh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="156"/>
        <source>Photo kept by the officer (quality %1 / 100); the supervisor sees which checks it failed.</source>
        <translation>Ảnh do cán bộ giữ lại (chất lượng %1 / 100); cán bộ phụ trách sẽ thấy các tiêu chí chưa đạt.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="159"/>
        <source>Photo taken (quality %1 / 100).</source>
        <translation>Đã chụp ảnh (chất lượng %1 / 100).</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="162"/>
        <source>No photo: %1</source>
        <translation>Không có ảnh: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="165"/>
        <source>Ask the citizen to look straight at the camera.</source>
        <translation>Mời người dân nhìn thẳng vào máy ảnh.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="179"/>
        <source>Opening the camera…</source>
        <translation>Đang mở máy ảnh…</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="186"/>
        <source>Camera error: %1</source>
        <translation>Lỗi máy ảnh: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="225"/>
        <location filename="../pages/enrolment/face.py" line="228"/>
        <source>No face has been seen yet.</source>
        <translation>Chưa nhìn thấy khuôn mặt nào.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/face.py" line="233"/>
        <source>Type the reason first.</source>
        <translation>Hãy nhập lý do trước.</translation>
    </message>
</context>
<context>
    <name>FindPage</name>
    <message>
        <location filename="../pages/enrolment/find.py" line="70"/>
        <source>Find the citizen in the population database</source>
        <translation>Tìm công dân trong Cơ sở dữ liệu quốc gia về dân cư</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="71"/>
        <source>Go on to the form without the database</source>
        <translation>Sang tờ khai, không tra CSDL</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="72"/>
        <source>Continue to the form (DC01)</source>
        <translation>Tiếp tục sang tờ khai (DC01)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="73"/>
        <source>Not in the database: DC01 information</source>
        <translation>Không có trong CSDL: thông tin phiếu DC01</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="74"/>
        <source>Place of birth</source>
        <translation>Nơi sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="75"/>
        <source>Marital status</source>
        <translation>Tình trạng hôn nhân</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="76"/>
        <source>Father&apos;s full name</source>
        <translation>Họ tên cha</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="76"/>
        <source>Mother&apos;s full name</source>
        <translation>Họ tên mẹ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="77"/>
        <source>Why not in the database</source>
        <translation>Lý do chưa có trong CSDL</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="120"/>
        <source>The population data could not be opened (see the technician). Go on to the form.</source>
        <translation>Không mở được dữ liệu dân cư (báo cán bộ kỹ thuật). Hãy sang tờ khai.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="122"/>
        <source>The population data is opening… You can go on to the form meanwhile.</source>
        <translation>Đang mở dữ liệu dân cư… Trong lúc chờ có thể sang tờ khai.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="124"/>
        <source>No population data is loaded on this kit (extract from the province office): search is not available. Go on to the form.</source>
        <translation>Máy chưa nạp dữ liệu dân cư (bản trích từ Công an tỉnh): không tra cứu được. Hãy sang tờ khai.</translation>
    </message>
</context>
<context>
    <name>FingerCapturePage</name>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="119"/>
        <source>Fingerprints: four right, four left, both thumbs, then each finger rolled</source>
        <translation>Vân tay: bốn ngón phải, bốn ngón trái, hai ngón cái, rồi lăn từng ngón</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="120"/>
        <source>Scan (Enter)</source>
        <translation>Quét (Enter)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="121"/>
        <source>Keep the best try and go on</source>
        <translation>Giữ lần tốt nhất và làm tiếp</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="122"/>
        <source>A finger cannot be printed</source>
        <translation>Ngón tay không lấy được vân</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="123"/>
        <source>Reason, e.g. lost in an accident</source>
        <translation>Lý do, ví dụ: mất ngón do tai nạn</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="124"/>
        <source>Record</source>
        <translation>Ghi nhận</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="203"/>
        <source>All fingerprints are done.</source>
        <translation>Đã lấy xong vân tay.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="212"/>
        <source>Place flat on the scanner: %1</source>
        <translation>Đặt phẳng lên máy quét: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="213"/>
        <source>Roll on the scanner: %1</source>
        <translation>Lăn trên máy quét: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="214"/>
        <source>try %1 of %2</source>
        <translation>lần %1/%2</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="242"/>
        <source>Scanning…</source>
        <translation>Đang quét…</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="262"/>
        <source>The scan failed: %1</source>
        <translation>Quét không được: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="284"/>
        <source>Quality %1 is too low. %2 Scan again.</source>
        <translation>Chất lượng %1 còn thấp. %2 Quét lại.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="306"/>
        <source>Scan again: the best quality so far is below %1; %2 more tries first.</source>
        <translation>Hãy quét lại: chất lượng tốt nhất đến giờ dưới %1; cần quét thêm %2 lần nữa.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="315"/>
        <source>Kept: quality %1 after %2 tries.</source>
        <translation>Đã giữ: chất lượng %1 sau %2 lần.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/fingers.py" line="332"/>
        <source>Type the reason first.</source>
        <translation>Hãy nhập lý do trước.</translation>
    </message>
</context>
<context>
    <name>HandDiagram</name>
    <message>
        <location filename="../widgets/hand_diagram.py" line="70"/>
        <source>Left hand</source>
        <translation>Tay trái</translation>
    </message>
    <message>
        <location filename="../widgets/hand_diagram.py" line="70"/>
        <source>Right hand</source>
        <translation>Tay phải</translation>
    </message>
</context>
<context>
    <name>HardwareLab</name>
    <message>
        <location filename="../pages/lab/lab.py" line="125"/>
        <source>Hardware lab</source>
        <translation>Kiểm tra thiết bị</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="126"/>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="127"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="128"/>
        <source>Test capture</source>
        <translation>Thu thử</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="129"/>
        <source>Live preview</source>
        <translation>Xem trực tiếp</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="130"/>
        <source>Simulator faults</source>
        <translation>Lỗi giả lập</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="131"/>
        <source>Device log (bytes in and out)</source>
        <translation>Nhật ký thiết bị (byte vào, ra)</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="132"/>
        <source>Open a camera to see its picture.</source>
        <translation>Mở máy ảnh để xem hình.</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="164"/>
        <source>Open: %1</source>
        <translation>Đang mở: %1</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="164"/>
        <source>No device open.</source>
        <translation>Chưa mở thiết bị nào.</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="186"/>
        <source>Could not open the device: %1</source>
        <translation>Không mở được thiết bị: %1</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="243"/>
        <source>Testing…</source>
        <translation>Đang thử…</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="272"/>
        <source>Captured %1×%2 in %3 ms</source>
        <translation>Đã thu %1×%2 trong %3 ms</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="276"/>
        <source>Read %1 characters in %2 ms</source>
        <translation>Đã đọc %1 ký tự trong %2 ms</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="283"/>
        <source>Test failed after %1 ms: %2</source>
        <translation>Thử không được sau %1 ms: %2</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="309"/>
        <source>This device checks its password when it is opened: close and open it to see the effect.</source>
        <translation>Thiết bị này chỉ kiểm tra mật khẩu khi mở: đóng rồi mở lại để thấy tác dụng.</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="314"/>
        <source>Password check: the device accepted the kit.</source>
        <translation>Kiểm tra mật khẩu: thiết bị đã chấp nhận máy.</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="316"/>
        <source>Password check failed: %1</source>
        <translation>Kiểm tra mật khẩu không đạt: %1</translation>
    </message>
</context>
<context>
    <name>HomePage</name>
    <message>
        <location filename="../pages/home.py" line="120"/>
        <source>Mobile ID enrolment</source>
        <translation>Cấp căn cước lưu động</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="121"/>
        <source>Set up today&apos;s session</source>
        <translation>Thiết lập đợt cấp hôm nay</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="121"/>
        <source>Enrol a citizen</source>
        <translation>Thu nhận hồ sơ công dân</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="122"/>
        <source>Review records</source>
        <translation>Duyệt hồ sơ</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="122"/>
        <source>Session summary</source>
        <translation>Tổng kết đợt cấp</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="123"/>
        <source>Send to the hub</source>
        <translation>Gửi về trung tâm</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="123"/>
        <source>Hardware lab</source>
        <translation>Kiểm tra thiết bị</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="126"/>
        <source>drafts</source>
        <translation>hồ sơ nháp</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="126"/>
        <source>waiting for review</source>
        <translation>chờ duyệt</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="127"/>
        <source>returned to the officer</source>
        <translation>trả lại cán bộ</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="127"/>
        <source>waiting to send</source>
        <translation>chờ gửi</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="128"/>
        <source>refused by the hub</source>
        <translation>trung tâm không nhận</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="131"/>
        <source>Check the devices</source>
        <translation>Kiểm tra thiết bị</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="132"/>
        <source>Unfinished records (Enter to continue):</source>
        <translation>Hồ sơ chưa xong (Enter để làm tiếp):</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="156"/>
        <source>To enrol, first set up today&apos;s session (where the team works).</source>
        <translation>Muốn thu nhận, trước hết hãy thiết lập đợt cấp hôm nay (nơi đội làm việc).</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="162"/>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="185"/>
        <source>never</source>
        <translation>chưa lần nào</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="186"/>
        <source>Last record received by the hub: %1</source>
        <translation>Lần cuối trung tâm nhận hồ sơ: %1</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="192"/>
        <source>Camera</source>
        <translation>Máy ảnh</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="192"/>
        <source>Fingerprint scanner</source>
        <translation>Máy quét vân tay</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="193"/>
        <source>Slap scanner</source>
        <translation>Máy quét bốn ngón</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="193"/>
        <source>QR reader</source>
        <translation>Máy đọc mã QR</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="203"/>
        <source>ready</source>
        <translation>sẵn sàng</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="203"/>
        <source>not delivering a picture</source>
        <translation>không có hình</translation>
    </message>
    <message>
        <location filename="../pages/home.py" line="205"/>
        <source>not checked yet</source>
        <translation>chưa kiểm tra</translation>
    </message>
</context>
<context>
    <name>Lab</name>
    <message>
        <location filename="../pages/lab/lab.py" line="328"/>
        <source>wrong checksum</source>
        <translation>sai mã kiểm tra</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="328"/>
        <source>no answer</source>
        <translation>không trả lời</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="329"/>
        <source>cable pulled</source>
        <translation>rút cáp</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="329"/>
        <source>line noise</source>
        <translation>nhiễu đường truyền</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="330"/>
        <source>wrong password</source>
        <translation>sai mật khẩu</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="330"/>
        <source>port busy</source>
        <translation>cổng đang bận</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="331"/>
        <source>camera unplugged</source>
        <translation>rút máy ảnh</translation>
    </message>
    <message>
        <location filename="../pages/lab/lab.py" line="331"/>
        <source>frozen picture</source>
        <translation>hình đứng yên</translation>
    </message>
</context>
<context>
    <name>LoginPage</name>
    <message>
        <location filename="../pages/login.py" line="58"/>
        <location filename="../pages/login.py" line="63"/>
        <source>Log in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="59"/>
        <source>Each person logs in with their own name and passphrase. The kit locks itself when nobody uses it.</source>
        <translation>Mỗi người đăng nhập bằng tên và mật khẩu của mình. Máy tự khóa khi không có ai sử dụng.</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="61"/>
        <source>User name</source>
        <translation>Tên người dùng</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="62"/>
        <source>Passphrase</source>
        <translation>Mật khẩu</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="81"/>
        <source>Type your user name and passphrase.</source>
        <translation>Hãy nhập tên người dùng và mật khẩu.</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="84"/>
        <source>This kit is not set up yet: a technician runs `fieldkit init` first.</source>
        <translation>Máy chưa được thiết lập: kỹ thuật viên cần chạy `fieldkit init` trước.</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="87"/>
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="103"/>
        <source>Too many wrong attempts. Try again in %1 seconds.</source>
        <translation>Nhập sai quá nhiều lần. Thử lại sau %1 giây.</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="106"/>
        <source>Wrong user name or passphrase.</source>
        <translation>Sai tên người dùng hoặc mật khẩu.</translation>
    </message>
    <message>
        <location filename="../pages/login.py" line="108"/>
        <source>Cannot log in: %1</source>
        <translation>Không đăng nhập được: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../main_window.py" line="201"/>
        <source>The kit locked itself after %1 minutes without use. Log in again to continue.</source>
        <translation>Máy đã tự khóa sau %1 phút không dùng. Đăng nhập lại để làm tiếp.</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="210"/>
        <source>FieldKit — ID enrolment</source>
        <translation>FieldKit — Thu nhận hồ sơ căn cước</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="211"/>
        <source>Language</source>
        <translation>Ngôn ngữ</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="212"/>
        <source>Home</source>
        <translation>Trang chính</translation>
    </message>
    <message>
        <location filename="../main_window.py" line="213"/>
        <source>Lock</source>
        <translation>Khóa máy</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../messages.py" line="23"/>
        <source>The device setting is not valid. A technician checks the device settings.</source>
        <translation>Cấu hình thiết bị không hợp lệ. Kỹ thuật viên cần kiểm tra cấu hình thiết bị.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="25"/>
        <source>The device was not found. Is it plugged in and switched on?</source>
        <translation>Không tìm thấy thiết bị. Thiết bị đã cắm và bật chưa?</translation>
    </message>
    <message>
        <location filename="../messages.py" line="26"/>
        <source>The device was unplugged or lost power. Plug it in again; the kit reconnects by itself.</source>
        <translation>Thiết bị bị rút ra hoặc mất điện. Hãy cắm lại; máy tự kết nối lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="28"/>
        <source>The device did not answer in time. Check the cable and try again.</source>
        <translation>Thiết bị không trả lời kịp. Kiểm tra dây cáp rồi thử lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="29"/>
        <source>The device sent data the kit does not understand. Unplug it, plug it in again and try again.</source>
        <translation>Thiết bị gửi dữ liệu máy không hiểu. Rút ra, cắm lại rồi thử lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="31"/>
        <source>The device is busy. Try again in a moment.</source>
        <translation>Thiết bị đang bận. Chờ một lát rồi thử lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="32"/>
        <source>The capture could not be used. Ask the person to try again as the screen shows.</source>
        <translation>Lần lấy này không dùng được. Mời người dân làm lại theo hướng dẫn trên màn hình.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="34"/>
        <source>The device refused the kit (wrong device password). A technician checks the device settings.</source>
        <translation>Thiết bị từ chối máy (sai mật khẩu thiết bị). Kỹ thuật viên cần kiểm tra cấu hình thiết bị.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="36"/>
        <source>This device cannot do this capture. Use the device the kit is set up for.</source>
        <translation>Thiết bị này không làm được việc này. Hãy dùng đúng thiết bị đã cài cho máy.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="38"/>
        <source>The device failed. Check the cable and try again.</source>
        <translation>Thiết bị bị lỗi. Kiểm tra dây cáp rồi thử lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="39"/>
        <source>The hub cannot be reached (no network or the hub is off). Records stay queued and are sent later.</source>
        <translation>Không kết nối được trung tâm (không có mạng hoặc trung tâm chưa bật). Hồ sơ vẫn chờ trên máy và sẽ được gửi sau.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="41"/>
        <source>The hub refused the data. A supervisor checks the sync page.</source>
        <translation>Trung tâm không nhận dữ liệu. Cán bộ phụ trách xem trang gửi dữ liệu.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="42"/>
        <source>The hub&apos;s receipt could not be verified. The record stays queued; tell the technician.</source>
        <translation>Không xác minh được biên nhận của trung tâm. Hồ sơ vẫn chờ gửi; hãy báo kỹ thuật viên.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="44"/>
        <source>A record could not be sent after several tries. It stays queued; tell the technician.</source>
        <translation>Một hồ sơ không gửi được sau nhiều lần thử. Hồ sơ vẫn chờ gửi; hãy báo kỹ thuật viên.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="47"/>
        <source>This is not an ID card QR: %1</source>
        <translation>Đây không phải mã QR của thẻ căn cước: %1</translation>
    </message>
    <message>
        <location filename="../messages.py" line="48"/>
        <source>Your role does not allow this.</source>
        <translation>Vai trò của bạn không được làm việc này.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="49"/>
        <source>Wrong user name or passphrase.</source>
        <translation>Sai tên đăng nhập hoặc mật khẩu.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="50"/>
        <source>This kit is not set up. A technician sets it up first.</source>
        <translation>Máy chưa được cài đặt. Kỹ thuật viên cần cài đặt trước.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="51"/>
        <source>This record can no longer be changed (it was sent for review or sealed).</source>
        <translation>Hồ sơ này không sửa được nữa (đã gửi duyệt hoặc đã niêm phong).</translation>
    </message>
    <message>
        <location filename="../messages.py" line="53"/>
        <source>Someone changed this record meanwhile. Open it again.</source>
        <translation>Hồ sơ vừa được người khác thay đổi. Hãy mở lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="54"/>
        <source>The record was not found.</source>
        <translation>Không tìm thấy hồ sơ.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="55"/>
        <source>This kit is not connected to a hub yet. A technician provisions it.</source>
        <translation>Máy chưa được kết nối với trung tâm. Kỹ thuật viên cần đăng ký máy.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="56"/>
        <source>The kit could not read or write a file or drive. Check the USB drive and the free space.</source>
        <translation>Máy không đọc hoặc ghi được tệp hay ổ đĩa. Kiểm tra ổ USB và dung lượng còn trống.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="58"/>
        <source>No USB drive at that place. Plug the drive in, wait until it appears, and choose it again.</source>
        <translation>Không thấy USB ở vị trí đó. Cắm USB vào, chờ máy nhận rồi chọn lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="60"/>
        <source>The USB drive holds a file the kit refuses to use (a link or a device instead of a file). Use another drive and tell the technician.</source>
        <translation>USB có tệp mà máy không dùng được (liên kết hoặc thiết bị thay vì tệp). Dùng USB khác và báo kỹ thuật viên.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="63"/>
        <source>This record is no longer waiting for that step: someone else decided on it meanwhile. Reload the list.</source>
        <translation>Hồ sơ này không còn chờ bước đó nữa: người khác đã quyết định trong lúc này. Hãy tải lại danh sách.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="65"/>
        <source>The operation failed. The technician finds the details in the kit&apos;s log.</source>
        <translation>Thao tác không thành công. Kỹ thuật viên xem chi tiết trong nhật ký của máy.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="67"/>
        <source>The camera is unplugged or lost power. Plug it in again; the kit reconnects by itself.</source>
        <translation>Máy ảnh bị rút ra hoặc mất điện. Hãy cắm lại; máy tự kết nối lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="69"/>
        <source>Reconnecting to the camera…</source>
        <translation>Đang kết nối lại máy ảnh…</translation>
    </message>
    <message>
        <location filename="../messages.py" line="70"/>
        <source>The camera picture is frozen. If it does not move again, unplug the camera and plug it in again.</source>
        <translation>Hình của máy ảnh bị đứng. Nếu hình không chạy lại, hãy rút máy ảnh ra rồi cắm lại.</translation>
    </message>
    <message>
        <location filename="../messages.py" line="72"/>
        <source>up to date, waiting</source>
        <translation>đã gửi hết, đang chờ</translation>
    </message>
    <message>
        <location filename="../messages.py" line="73"/>
        <source>no connection to the hub</source>
        <translation>không kết nối được trung tâm</translation>
    </message>
    <message>
        <location filename="../messages.py" line="74"/>
        <source>looking for the hub</source>
        <translation>đang tìm trung tâm</translation>
    </message>
    <message>
        <location filename="../messages.py" line="75"/>
        <source>sending</source>
        <translation>đang gửi</translation>
    </message>
    <message>
        <location filename="../messages.py" line="76"/>
        <source>stopped</source>
        <translation>đã dừng</translation>
    </message>
    <message>
        <location filename="../messages.py" line="77"/>
        <source>unknown</source>
        <translation>không rõ</translation>
    </message>
    <message>
        <location filename="../messages.py" line="46"/>
        <source>Sending failed; the kit tries again by itself.</source>
        <translation>Gửi không thành công; máy sẽ tự gửi lại.</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <location filename="../names.py" line="13"/>
        <source>right thumb</source>
        <translation>ngón cái phải</translation>
    </message>
    <message>
        <location filename="../names.py" line="13"/>
        <source>right index finger</source>
        <translation>ngón trỏ phải</translation>
    </message>
    <message>
        <location filename="../names.py" line="14"/>
        <source>right middle finger</source>
        <translation>ngón giữa phải</translation>
    </message>
    <message>
        <location filename="../names.py" line="14"/>
        <source>right ring finger</source>
        <translation>ngón áp út phải</translation>
    </message>
    <message>
        <location filename="../names.py" line="15"/>
        <source>right little finger</source>
        <translation>ngón út phải</translation>
    </message>
    <message>
        <location filename="../names.py" line="15"/>
        <source>left thumb</source>
        <translation>ngón cái trái</translation>
    </message>
    <message>
        <location filename="../names.py" line="16"/>
        <source>left index finger</source>
        <translation>ngón trỏ trái</translation>
    </message>
    <message>
        <location filename="../names.py" line="16"/>
        <source>left middle finger</source>
        <translation>ngón giữa trái</translation>
    </message>
    <message>
        <location filename="../names.py" line="17"/>
        <source>left ring finger</source>
        <translation>ngón áp út trái</translation>
    </message>
    <message>
        <location filename="../names.py" line="17"/>
        <source>left little finger</source>
        <translation>ngón út trái</translation>
    </message>
    <message>
        <location filename="../names.py" line="22"/>
        <source>four fingers of the right hand</source>
        <translation>bốn ngón tay phải</translation>
    </message>
    <message>
        <location filename="../names.py" line="22"/>
        <source>four fingers of the left hand</source>
        <translation>bốn ngón tay trái</translation>
    </message>
    <message>
        <location filename="../names.py" line="23"/>
        <source>both thumbs</source>
        <translation>hai ngón cái</translation>
    </message>
    <message>
        <location filename="../names.py" line="27"/>
        <location filename="../names.py" line="37"/>
        <source>captured</source>
        <translation>đã lấy</translation>
    </message>
    <message>
        <location filename="../names.py" line="27"/>
        <source>missing (amputated or absent)</source>
        <translation>mất ngón (cụt hoặc không có)</translation>
    </message>
    <message>
        <location filename="../names.py" line="28"/>
        <source>injured</source>
        <translation>bị thương</translation>
    </message>
    <message>
        <location filename="../names.py" line="28"/>
        <source>bandaged</source>
        <translation>đang băng bó</translation>
    </message>
    <message>
        <location filename="../names.py" line="29"/>
        <source>no usable print</source>
        <translation>không lấy được vân</translation>
    </message>
    <message>
        <location filename="../names.py" line="33"/>
        <source>officer</source>
        <translation>cán bộ thu nhận</translation>
    </message>
    <message>
        <location filename="../names.py" line="33"/>
        <source>supervisor</source>
        <translation>cán bộ phụ trách</translation>
    </message>
    <message>
        <location filename="../names.py" line="33"/>
        <source>technician</source>
        <translation>kỹ thuật viên</translation>
    </message>
    <message>
        <location filename="../names.py" line="37"/>
        <source>draft</source>
        <translation>bản nháp</translation>
    </message>
    <message>
        <location filename="../names.py" line="37"/>
        <source>waiting for review</source>
        <translation>chờ duyệt</translation>
    </message>
    <message>
        <location filename="../names.py" line="38"/>
        <source>approved</source>
        <translation>đã duyệt</translation>
    </message>
    <message>
        <location filename="../names.py" line="38"/>
        <source>sealed</source>
        <translation>đã niêm phong</translation>
    </message>
    <message>
        <location filename="../names.py" line="38"/>
        <source>uploading</source>
        <translation>đang gửi</translation>
    </message>
    <message>
        <location filename="../names.py" line="39"/>
        <source>received by the hub</source>
        <translation>trung tâm đã nhận</translation>
    </message>
    <message>
        <location filename="../names.py" line="39"/>
        <source>returned to the officer</source>
        <translation>trả lại cán bộ</translation>
    </message>
    <message>
        <location filename="../names.py" line="40"/>
        <source>rejected</source>
        <translation>bị từ chối</translation>
    </message>
    <message>
        <location filename="../names.py" line="40"/>
        <source>voided</source>
        <translation>đã hủy</translation>
    </message>
    <message>
        <location filename="../names.py" line="44"/>
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../names.py" line="44"/>
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
</context>
<context>
    <name>PopulationSearch</name>
    <message>
        <location filename="../widgets/population_search.py" line="36"/>
        <source>Name, ID number, birth date, household or card QR</source>
        <translation>Họ tên, số định danh, ngày sinh, mã hộ hoặc mã QR trên thẻ</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="44"/>
        <source>Choose</source>
        <translation>Chọn</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="46"/>
        <source>Not in the database: enrol as new (DC01)</source>
        <translation>Không có trong CSDL: thu nhận mới (DC01)</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="52"/>
        <source>Find the citizen in the population database</source>
        <translation>Tìm công dân trong Cơ sở dữ liệu quốc gia về dân cư</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="57"/>
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="93"/>
        <source>Searching…</source>
        <translation>Đang tìm…</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="108"/>
        <source>Residents found: %1</source>
        <translation>Số người tìm thấy: %1</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="110"/>
        <source>No one found: check the spelling, or enrol as new (DC01)</source>
        <translation>Không tìm thấy: kiểm tra lại chính tả, hoặc thu nhận mới (DC01)</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="117"/>
        <source>This is not the QR code of an ID card</source>
        <translation>Đây không phải mã QR của thẻ căn cước</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="119"/>
        <source>The search failed; try again or enrol as new (DC01)</source>
        <translation>Tìm kiếm không thành công; hãy thử lại hoặc thu nhận mới (DC01)</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="122"/>
        <source>male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="122"/>
        <source>female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="123"/>
        <source>birth date unknown</source>
        <translation>chưa rõ ngày sinh</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="125"/>
        <source>ID %1</source>
        <translation>Số ĐDCN %1</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="127"/>
        <source>household %1</source>
        <translation>hộ %1</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="154"/>
        <source>seen</source>
        <translation>đã gặp</translation>
    </message>
    <message>
        <location filename="../widgets/population_search.py" line="154"/>
        <source>not seen yet</source>
        <translation>chưa gặp</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../qt_strings.py" line="24"/>
        <source>Look in:</source>
        <translation>Tìm trong:</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="24"/>
        <source>Directory:</source>
        <translation>Thư mục:</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="25"/>
        <source>File &amp;name:</source>
        <translation>Tên &amp;tệp:</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="25"/>
        <source>Files of type:</source>
        <translation>Loại tệp:</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="26"/>
        <source>&amp;Open</source>
        <translation>&amp;Mở</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="26"/>
        <source>&amp;Choose</source>
        <translation>&amp;Chọn</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="27"/>
        <source>&amp;Save</source>
        <translation>&amp;Lưu</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="27"/>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="28"/>
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="28"/>
        <source>Forward</source>
        <translation>Tiến tới</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="29"/>
        <source>Parent Directory</source>
        <translation>Thư mục cha</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="29"/>
        <source>Create New Folder</source>
        <translation>Tạo thư mục mới</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="30"/>
        <source>List View</source>
        <translation>Dạng danh sách</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="30"/>
        <source>Detail View</source>
        <translation>Dạng chi tiết</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="31"/>
        <source>Directories</source>
        <translation>Thư mục</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="31"/>
        <source>All Files (*)</source>
        <translation>Mọi tệp (*)</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="32"/>
        <source>Find Directory</source>
        <translation>Chọn thư mục</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="32"/>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="33"/>
        <source>New Folder</source>
        <translation>Thư mục mới</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="33"/>
        <source>&amp;Rename</source>
        <translation>Đổi &amp;tên</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="34"/>
        <source>&amp;Delete</source>
        <translation>&amp;Xóa</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="34"/>
        <source>Show &amp;hidden files</source>
        <translation>Hiện tệp &amp;ẩn</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="35"/>
        <source>Recent Places</source>
        <translation>Nơi mở gần đây</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="35"/>
        <source>My Computer</source>
        <translation>Máy tính</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="36"/>
        <source>Computer</source>
        <translation>Máy tính</translation>
    </message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message>
        <location filename="../qt_strings.py" line="37"/>
        <source>Name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="37"/>
        <source>Size</source>
        <translation>Kích thước</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="38"/>
        <source>Type</source>
        <translation>Loại</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="38"/>
        <source>Date Modified</source>
        <translation>Ngày sửa</translation>
    </message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message>
        <location filename="../qt_strings.py" line="14"/>
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="14"/>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="15"/>
        <source>&amp;Yes</source>
        <translation>&amp;Có</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="15"/>
        <source>&amp;No</source>
        <translation>&amp;Không</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="16"/>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="16"/>
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="17"/>
        <source>Open</source>
        <translation>Mở</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="17"/>
        <source>Discard</source>
        <translation>Bỏ</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="18"/>
        <source>Apply</source>
        <translation>Áp dụng</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="18"/>
        <source>Retry</source>
        <translation>Thử lại</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="19"/>
        <source>Ignore</source>
        <translation>Bỏ qua</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="19"/>
        <source>Abort</source>
        <translation>Hủy bỏ</translation>
    </message>
    <message>
        <location filename="../qt_strings.py" line="20"/>
        <source>Help</source>
        <translation>Trợ giúp</translation>
    </message>
</context>
<context>
    <name>RegistryReceipt</name>
    <message>
        <location filename="../pages/enrolment/find.py" line="323"/>
        <source>Full birth name</source>
        <translation>Họ, chữ đệm và tên khai sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="324"/>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="325"/>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="326"/>
        <source>Personal ID number</source>
        <translation>Số định danh cá nhân</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="327"/>
        <source>Old ID card (CMND)</source>
        <translation>Số CMND cũ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="328"/>
        <source>Ethnicity</source>
        <translation>Dân tộc</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="329"/>
        <source>Religion</source>
        <translation>Tôn giáo</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="330"/>
        <source>Birth registration place</source>
        <translation>Nơi đăng ký khai sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="331"/>
        <source>Home town</source>
        <translation>Quê quán</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="332"/>
        <source>Residence</source>
        <translation>Nơi cư trú</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="333"/>
        <source>Mobile phone</source>
        <translation>Số điện thoại di động</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="343"/>
        <source>Database: not searched</source>
        <translation>CSDL: chưa tra cứu</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="345"/>
        <source>Database: not found, new (DC01)</source>
        <translation>CSDL: chưa có, thu nhận mới (DC01)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="347"/>
        <source>Database: found</source>
        <translation>CSDL: đã có</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="349"/>
        <source>Database: found, to correct: %1</source>
        <translation>CSDL: đã có, cần điều chỉnh: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="356"/>
        <source>Population database</source>
        <translation>CSDL dân cư</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="358"/>
        <source>Correction: %1</source>
        <translation>Điều chỉnh: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="359"/>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="364"/>
        <source>VNeID level 2 request</source>
        <translation>Đề nghị VNeID mức 2</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="365"/>
        <source>%1 (consent recorded by %2)</source>
        <translation>%1 (cán bộ %2 ghi nhận sự đồng ý)</translation>
    </message>
</context>
<context>
    <name>ReviewDetailPage</name>
    <message>
        <location filename="../pages/review/detail.py" line="109"/>
        <source>Review a record</source>
        <translation>Duyệt hồ sơ</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="110"/>
        <source>Reason (needed to return or reject)</source>
        <translation>Lý do (bắt buộc khi trả lại hoặc từ chối)</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="111"/>
        <source>Approve and co-sign</source>
        <translation>Phê duyệt và ký</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="112"/>
        <source>Return to the officer</source>
        <translation>Trả lại cán bộ</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="113"/>
        <source>Reject</source>
        <translation>Từ chối</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="114"/>
        <source>Back to the list</source>
        <translation>Về danh sách</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="115"/>
        <source>Open the other record</source>
        <translation>Mở hồ sơ kia</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="125"/>
        <source>Opening…</source>
        <translation>Đang mở…</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="151"/>
        <source>Status: %1. The kit can no longer read this record.</source>
        <translation>Trạng thái: %1. Máy không còn đọc được hồ sơ này.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="159"/>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="159"/>
        <source>Full birth name</source>
        <translation>Họ, chữ đệm và tên khai sinh</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="160"/>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="161"/>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="162"/>
        <source>Personal ID number</source>
        <translation>Số định danh cá nhân</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="163"/>
        <source>Residence</source>
        <translation>Nơi cư trú</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="164"/>
        <source>Face quality</source>
        <translation>Chất lượng ảnh mặt</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="166"/>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="170"/>
        <source>No face photo or fingerprints: the person is under 6.</source>
        <translation>Không chụp ảnh mặt, không lấy vân tay: người này dưới 6 tuổi.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="189"/>
        <source>Possible duplicate: this person may already be enrolled. Compare the photos and open the other record before approving.</source>
        <translation>Có thể trùng: người này có thể đã được thu nhận. Hãy so ảnh và mở hồ sơ kia trước khi phê duyệt.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="230"/>
        <source>Duplicate check: not run for this record.</source>
        <translation>Kiểm tra trùng lặp: chưa chạy cho hồ sơ này.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="233"/>
        <source>⚠ The duplicate check could not run for this record: check the person against earlier records by name.</source>
        <translation>⚠ Máy chưa kiểm tra trùng được cho hồ sơ này: hãy tự tìm theo tên trong các hồ sơ trước.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="239"/>
        <source>⛔ Possible duplicate of record %1 by %2: similarity %3 (flagged from %4)</source>
        <translation>⛔ Có thể trùng với hồ sơ %1 theo %2: độ giống %3 (cảnh báo từ %4)</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="243"/>
        <source>(%1 weaker matches not shown)</source>
        <translation>(không hiện %1 kết quả giống ít hơn)</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="236"/>
        <source>Duplicate check: no earlier record of this kit looks like this person.</source>
        <translation>Kiểm tra trùng lặp: không có hồ sơ nào trước đó trên máy này giống người này.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="237"/>
        <source>face</source>
        <translation>khuôn mặt</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="237"/>
        <source>fingerprint</source>
        <translation>vân tay</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="257"/>
        <source>Approving, co-signing and sealing…</source>
        <translation>Đang phê duyệt, ký và niêm phong…</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="264"/>
        <source>Type the reason first.</source>
        <translation>Hãy nhập lý do trước.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="273"/>
        <source>Done: %1.</source>
        <translation>Xong: %1.</translation>
    </message>
    <message>
        <location filename="../pages/review/detail.py" line="277"/>
        <source>Not done: %1</source>
        <translation>Chưa làm được: %1</translation>
    </message>
</context>
<context>
    <name>ReviewListPage</name>
    <message>
        <location filename="../pages/review/list_page.py" line="96"/>
        <source>Records to review</source>
        <translation>Hồ sơ cần duyệt</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="104"/>
        <source>Search by name or ID number (diacritics optional)</source>
        <translation>Tìm theo tên hoặc số định danh (không cần dấu)</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="105"/>
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="105"/>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="106"/>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="107"/>
        <source>Updated</source>
        <translation>Cập nhật</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="106"/>
        <source>Opened</source>
        <translation>Đã xem</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="109"/>
        <source>Open (Enter)</source>
        <translation>Mở (Enter)</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="110"/>
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="159"/>
        <source>(sealed: name not readable on the kit)</source>
        <translation>(đã niêm phong: máy không đọc được tên)</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="153"/>
        <source>%1 records</source>
        <translation>%1 hồ sơ</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="105"/>
        <source>ID number</source>
        <translation>Số định danh</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="106"/>
        <source>Duplicate?</source>
        <translation>Trùng?</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="141"/>
        <source>The duplicate search on submit found an earlier record that may be this person: open the record to compare.</source>
        <translation>Khi gửi, việc kiểm tra trùng đã tìm thấy một hồ sơ trước có thể là cùng người này: mở hồ sơ để so sánh.</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="158"/>
        <source>⛔ Possible duplicate</source>
        <translation>⛔ Có thể trùng</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="158"/>
        <source>No</source>
        <translation>Không</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="180"/>
        <source>Approve the opened records (%1)</source>
        <translation>Phê duyệt các hồ sơ đã xem (%1)</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="182"/>
        <source>Only records you have opened and checked can be approved together.</source>
        <translation>Chỉ phê duyệt cùng lúc được những hồ sơ bạn đã mở và kiểm tra.</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="206"/>
        <source>Approve and co-sign these %1 records?</source>
        <translation>Phê duyệt và ký %1 hồ sơ này?</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="209"/>
        <source>… and %1 more</source>
        <translation>… và %1 người khác</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="211"/>
        <source>%1 selected records you have not opened are left out.</source>
        <translation>%1 hồ sơ đã chọn nhưng chưa mở sẽ không được phê duyệt.</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="213"/>
        <source>Approve records</source>
        <translation>Phê duyệt hồ sơ</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="236"/>
        <source>Approving and sealing %1 records…</source>
        <translation>Đang phê duyệt và niêm phong %1 hồ sơ…</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="242"/>
        <source>%1 approved and sealed, %2 failed.</source>
        <translation>%1 hồ sơ đã duyệt và niêm phong, %2 lỗi.</translation>
    </message>
    <message>
        <location filename="../pages/review/list_page.py" line="249"/>
        <source>Nothing approved: %1</source>
        <translation>Chưa duyệt hồ sơ nào: %1</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <location filename="../pages/enrolment/review.py" line="68"/>
        <source>Check with the citizen</source>
        <translation>Kiểm tra cùng người dân</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="69"/>
        <source>The citizen has read the information and confirms it is correct</source>
        <translation>Người dân đã đọc và xác nhận thông tin là đúng</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="70"/>
        <source>Send for the supervisor&apos;s review</source>
        <translation>Gửi cán bộ phụ trách duyệt</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="92"/>
        <source>Full birth name</source>
        <translation>Họ, chữ đệm và tên khai sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="92"/>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="93"/>
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="93"/>
        <source>Personal ID number</source>
        <translation>Số định danh cá nhân</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="94"/>
        <source>Ethnicity</source>
        <translation>Dân tộc</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="94"/>
        <source>Religion</source>
        <translation>Tôn giáo</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="94"/>
        <source>Nationality</source>
        <translation>Quốc tịch</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="95"/>
        <source>Residence</source>
        <translation>Nơi cư trú</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="96"/>
        <source>Home town</source>
        <translation>Quê quán</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="96"/>
        <source>Mobile phone</source>
        <translation>Số điện thoại di động</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="99"/>
        <source>Legal representative</source>
        <translation>Người đại diện</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="101"/>
        <location filename="../pages/enrolment/review.py" line="104"/>
        <source>Fingerprints</source>
        <translation>Vân tay</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="101"/>
        <source>None: no photo or prints under 6 years old</source>
        <translation>Không: dưới 6 tuổi không chụp ảnh, không lấy vân tay</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="104"/>
        <source>%1 of 10 fingers printed</source>
        <translation>Đã lấy vân %1/10 ngón</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="106"/>
        <location filename="../pages/enrolment/review.py" line="108"/>
        <source>Face photo</source>
        <translation>Ảnh chân dung</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="106"/>
        <source>None: %1</source>
        <translation>Không có: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="108"/>
        <source>quality %1 / 100</source>
        <translation>chất lượng %1 / 100</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="121"/>
        <source>Returned by the supervisor: change what the supervisor asked for before sending it again.</source>
        <translation>Hồ sơ bị trả lại: hãy sửa theo yêu cầu của cán bộ phụ trách trước khi gửi lại.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/review.py" line="133"/>
        <source>Sending…</source>
        <translation>Đang gửi…</translation>
    </message>
</context>
<context>
    <name>SessionSetupPage</name>
    <message>
        <location filename="../pages/session_setup.py" line="67"/>
        <source>Today&apos;s session</source>
        <translation>Đợt cấp hôm nay</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="68"/>
        <source>Province</source>
        <translation>Tỉnh, thành phố</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="68"/>
        <source>Commune</source>
        <translation>Xã, phường</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="68"/>
        <source>Village (thôn, buôn)</source>
        <translation>Thôn, buôn, làng</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="69"/>
        <source>Team</source>
        <translation>Tổ công tác</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="69"/>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="71"/>
        <source>Type to search, e.g. quang ngai</source>
        <translation>Gõ để tìm, ví dụ: quang ngai</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="72"/>
        <source>Type to search, diacritics optional</source>
        <translation>Gõ để tìm, không cần dấu</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="73"/>
        <source>Start the session</source>
        <translation>Bắt đầu đợt cấp</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="95"/>
        <source>%1 is part of %2 since 1 July 2025: %2 is chosen.</source>
        <translation>%1 đã nhập vào %2 từ 01/7/2025: đã chọn %2.</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="113"/>
        <source>Choose the province and the commune from the list.</source>
        <translation>Hãy chọn tỉnh và xã từ danh sách.</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="116"/>
        <source>Type the team&apos;s name.</source>
        <translation>Hãy nhập tên tổ công tác.</translation>
    </message>
</context>
<context>
    <name>SessionSummaryPage</name>
    <message>
        <location filename="../pages/session_setup.py" line="151"/>
        <source>Session summary</source>
        <translation>Tổng kết đợt cấp</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="152"/>
        <source>enrolled, waiting for review</source>
        <translation>hồ sơ đã thu, chờ duyệt</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="152"/>
        <source>drafts not finished</source>
        <translation>hồ sơ chưa xong</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="153"/>
        <source>fingers recorded as exceptions</source>
        <translation>ngón tay ghi ngoại lệ</translation>
    </message>
    <message>
        <location filename="../pages/session_setup.py" line="165"/>
        <source>No session started.</source>
        <translation>Chưa bắt đầu đợt cấp.</translation>
    </message>
</context>
<context>
    <name>Slip</name>
    <message>
        <location filename="../pages/enrolment/slip.py" line="112"/>
        <source>APPOINTMENT SLIP FOR THE RESULT</source>
        <translation>GIẤY HẸN TRẢ KẾT QUẢ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="114"/>
        <source>Receipt number: %1</source>
        <translation>Số biên nhận: %1</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="119"/>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="120"/>
        <source>Personal ID number</source>
        <translation>Số định danh cá nhân</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="121"/>
        <source>not issued yet</source>
        <translation>chưa được cấp</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="122"/>
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="123"/>
        <source>Place of residence</source>
        <translation>Nơi cư trú</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="124"/>
        <source>Application received at</source>
        <translation>Nơi tiếp nhận hồ sơ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="125"/>
        <source>Received on</source>
        <translation>Ngày tiếp nhận</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="126"/>
        <source>Receiving officer (kit account)</source>
        <translation>Cán bộ tiếp nhận (tài khoản trên máy)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="127"/>
        <source>Come back for the result on</source>
        <translation>Hẹn trả kết quả vào ngày</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="135"/>
        <source>Bring this slip when you come back. Keep it safe: the receipt number identifies your application.</source>
        <translation>Mang theo giấy hẹn này khi đến nhận kết quả. Giữ cẩn thận: số biên nhận xác định hồ sơ của bạn.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="140"/>
        <source>Applicant</source>
        <translation>Người nộp hồ sơ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="141"/>
        <source>Receiving officer</source>
        <translation>Cán bộ tiếp nhận</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="147"/>
        <source>(signature and full name)</source>
        <translation>(Ký, ghi rõ họ tên)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="160"/>
        <source>Appointment slip</source>
        <translation>Giấy hẹn trả kết quả</translation>
    </message>
</context>
<context>
    <name>SlipPage</name>
    <message>
        <location filename="../pages/enrolment/slip.py" line="223"/>
        <source>Sent for review. Give the citizen the appointment slip.</source>
        <translation>Đã gửi duyệt. Hãy đưa giấy hẹn cho người dân.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="224"/>
        <source>Print the appointment slip…</source>
        <translation>In giấy hẹn…</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="225"/>
        <source>Next citizen</source>
        <translation>Người tiếp theo</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="248"/>
        <source>Receipt number %1 — come back on %2.</source>
        <translation>Số biên nhận %1 — hẹn trả kết quả ngày %2.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="250"/>
        <source>The slip was sent to the printer.</source>
        <translation>Đã gửi giấy hẹn đến máy in.</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="264"/>
        <source>Print the appointment slip</source>
        <translation>In giấy hẹn trả kết quả</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="268"/>
        <source>Choose a printer: the slip is not saved to a file (it holds personal data).</source>
        <translation>Hãy chọn máy in: giấy hẹn không được lưu thành tệp (có thông tin cá nhân).</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/slip.py" line="273"/>
        <source>The printer could not be used. Check that it is on and connected.</source>
        <translation>Không dùng được máy in. Kiểm tra máy in đã bật và đã kết nối.</translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../pages/sync_panel.py" line="88"/>
        <source>Sending to the hub</source>
        <translation>Gửi dữ liệu về trung tâm</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="89"/>
        <source>Packets</source>
        <translation>Gói dữ liệu</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="90"/>
        <source>Current packet</source>
        <translation>Gói đang gửi</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="91"/>
        <source>Send now</source>
        <translation>Gửi ngay</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="92"/>
        <source>Export to USB…</source>
        <translation>Xuất ra USB…</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="93"/>
        <source>Import receipts from USB…</source>
        <translation>Nhập biên nhận từ USB…</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="94"/>
        <source>Packet</source>
        <translation>Gói</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="94"/>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="94"/>
        <source>Size</source>
        <translation>Dung lượng</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="94"/>
        <source>Problem</source>
        <translation>Sự cố</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="111"/>
        <source>Log in to see the queue.</source>
        <translation>Đăng nhập để xem hàng đợi.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="114"/>
        <source>This kit is not provisioned: run `fieldkit provision` with the hub&apos;s token.</source>
        <translation>Máy chưa được đăng ký với trung tâm: chạy `fieldkit provision` với mã của trung tâm.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="119"/>
        <source>Not tried yet.</source>
        <translation>Chưa thử kết nối.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="124"/>
        <source>refused by the hub</source>
        <translation>bị máy chủ từ chối</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="128"/>
        <source>Refused by the hub: %1</source>
        <translation>Máy chủ từ chối: %1</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="138"/>
        <source>%1 received by the hub, %2 waiting</source>
        <translation>Trung tâm đã nhận %1, còn chờ %2</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="168"/>
        <source>Contacting the hub…</source>
        <translation>Đang kết nối trung tâm…</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="187"/>
        <source>Hub reached: %1 delivered, %2 refused, %3 stuck.</source>
        <translation>Đã kết nối: gửi được %1, bị từ chối %2, vướng %3.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="191"/>
        <source>No connection to the hub. The kit keeps trying by itself.</source>
        <translation>Chưa kết nối được máy chủ. Bộ thiết bị sẽ tự thử lại.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="204"/>
        <source>waiting for new packets</source>
        <translation>đang chờ gói mới</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="204"/>
        <source>no connection</source>
        <translation>không có kết nối</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="205"/>
        <source>looking for the hub</source>
        <translation>đang tìm máy chủ</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="205"/>
        <source>sending</source>
        <translation>đang gửi</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="206"/>
        <source>paused</source>
        <translation>tạm dừng</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="210"/>
        <source>The last attempt failed; the kit tries again by itself.</source>
        <translation>Lần gửi gần nhất không thành công; bộ thiết bị sẽ tự thử lại.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="207"/>
        <source>State: %1</source>
        <translation>Trạng thái: %1</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="208"/>
        <source>Last success: %1</source>
        <translation>Lần thành công gần nhất: %1</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="212"/>
        <source>Stuck %1: %2</source>
        <translation>Vướng %1: %2</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="224"/>
        <source>Choose the USB drive to export to</source>
        <translation>Chọn ổ USB để xuất dữ liệu</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="227"/>
        <source>Writing packets to %1…</source>
        <translation>Đang ghi các gói vào %1…</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="231"/>
        <source>Choose the USB drive with the hub&apos;s receipts</source>
        <translation>Chọn ổ USB có biên nhận của máy chủ</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="234"/>
        <source>Reading receipts from %1…</source>
        <translation>Đang đọc biên nhận từ %1…</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="252"/>
        <source>USB transfer failed: %1</source>
        <translation>Chuyển qua USB không thành công: %1</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="255"/>
        <source>Exported %1 packet(s) to %2 (%3 already there, %4 delivered ones removed). Take the drive to the hub.</source>
        <translation>Đã xuất %1 gói vào %2 (%3 gói đã có sẵn, đã xoá %4 gói đã gửi xong). Hãy mang ổ USB đến máy chủ.</translation>
    </message>
    <message>
        <location filename="../pages/sync_panel.py" line="260"/>
        <source>Receipts: %1 acknowledged, %2 refused by the hub, %3 invalid, %4 already settled.</source>
        <translation>Biên nhận: %1 gói đã được xác nhận, %2 gói bị máy chủ từ chối, %3 biên nhận không hợp lệ, %4 gói đã xử lý trước đó.</translation>
    </message>
</context>
<context>
    <name>SyncStatusWidget</name>
    <message>
        <location filename="../widgets/sync_status.py" line="71"/>
        <source>Not connected to a hub</source>
        <translation>Chưa kết nối máy chủ</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="73"/>
        <source>Sending paused while locked · %1 waiting</source>
        <translation>Tạm dừng gửi khi khóa màn hình · %1 gói đang chờ</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="74"/>
        <source>Sending paused while locked</source>
        <translation>Tạm dừng gửi khi khóa màn hình</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="79"/>
        <source>Sending %1 of %2</source>
        <translation>Đang gửi %1/%2</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="81"/>
        <source>Offline · %1 waiting</source>
        <translation>Mất kết nối · %1 gói đang chờ</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="83"/>
        <source>Looking for the hub… · %1 waiting</source>
        <translation>Đang tìm máy chủ… · %1 gói đang chờ</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="85"/>
        <source>%1 waiting</source>
        <translation>%1 gói đang chờ</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="87"/>
        <source>All delivered</source>
        <translation>Đã gửi hết</translation>
    </message>
    <message>
        <location filename="../widgets/sync_status.py" line="90"/>
        <source>%1 refused</source>
        <translation>%1 gói bị từ chối</translation>
    </message>
</context>
<context>
    <name>TokenApproval</name>
    <message>
        <location filename="../token_approval.py" line="23"/>
        <source>Signing token</source>
        <translation>Token chữ ký số</translation>
    </message>
    <message>
        <location filename="../token_approval.py" line="24"/>
        <source>Token PIN (your signing certificate):</source>
        <translation>Mã PIN của token (chứng thư số của anh/chị):</translation>
    </message>
</context>
<context>
    <name>VneidBox</name>
    <message>
        <location filename="../pages/enrolment/find.py" line="270"/>
        <source>VNeID level 2 account request</source>
        <translation>Đề nghị cấp tài khoản định danh điện tử VNeID mức 2</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="271"/>
        <source>Mobile phone for VNeID</source>
        <translation>Số di động đăng ký VNeID</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="272"/>
        <source>E-mail (optional)</source>
        <translation>Thư điện tử (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="273"/>
        <source>The citizen agrees to the VNeID level 2 request</source>
        <translation>Công dân đồng ý đề nghị cấp tài khoản VNeID mức 2</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="314"/>
        <source>The phone must be a Vietnamese mobile number (10 digits, 03/05/07/08/09)</source>
        <translation>Số điện thoại phải là số di động Việt Nam (10 chữ số, đầu 03/05/07/08/09)</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="315"/>
        <source>The e-mail address is not valid</source>
        <translation>Địa chỉ thư điện tử không hợp lệ</translation>
    </message>
    <message>
        <location filename="../pages/enrolment/find.py" line="316"/>
        <source>Tick the citizen&apos;s consent to send the request</source>
        <translation>Đánh dấu sự đồng ý của công dân để gửi đề nghị</translation>
    </message>
</context>
</TS>
