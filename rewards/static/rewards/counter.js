// Camera scanning at the counter, where the browser can read QR codes itself (BarcodeDetector):
// the code read goes into the field and the form is sent. Without it, the field and a scanner still work.
(function () {
  const button = document.getElementById("counter-camera");
  const video = document.getElementById("counter-video");
  if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  const input = document.querySelector(".counter-form input[name=code]");
  button.hidden = false;
  button.addEventListener("click", async function () {
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const look = async function () {
      const codes = await detector.detect(video).catch(function () { return []; });
      if (codes.length) {
        stream.getTracks().forEach(function (track) { track.stop(); });
        input.value = codes[0].rawValue;
        input.form.submit();
        return;
      }
      requestAnimationFrame(look);
    };
    look();
  });
})();
