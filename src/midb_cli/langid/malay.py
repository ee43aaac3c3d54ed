"""Indonesian or Malay: a decision by words that only one of the two standards uses.

Statistical models confuse the two (py3langid labels a third of Malay text Indonesian), yet a
reader tells them apart from a handful of everyday words and spellings: Malay *boleh, kerana,
bahawa, iaitu, wang, kualiti, perbezaan* against Indonesian *bisa, karena, bahwa, yaitu, uang,
pemerintah, kualitas, perbedaan*. The lists come from general knowledge of the two languages,
checked against the MIDB training data: words common in both there were removed (*adalah,
tersebut, harus, tidak*) and words the other standard uses in another sense count half
(*daripada, kerajaan, kereta, saja, kota*).
"""

from __future__ import annotations

import re


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


MALAY_WORDS = _word_set(
    """
    boleh sahaja kerana ialah wang bahawa iaitu selepas percuma mahu cuba baharu kenderaan
    perkhidmatan syarikat maklumat sila ayat perkataan senarai jadual menerangkan huraikan
    terangkan adakah bagaimanakah mengapakah pelbagai kanak-kanak minit peratus bilion polis
    universiti hospital doktor telefon televisyen filem muzik kualiti aktiviti komuniti identiti
    pejabat bas teksi saintis perniagaan kedai ubat kesihatan sihat lazat resipi percutian
    pelancongan rakan isteri sukar kaedah penyelidikan faedah soalan jawapan perenggan tajuk nombor
    darab bahagi purata contohnya menggalakkan membolehkan mengurangkan mencipta mengandungi
    berbanding menerusi mengikut kelaskan ringkaskan tukar tukarkan semak betulkan baiki janakan
    jana reka cadangkan cadangan senaraikan bincangkan fikir berfikir fikiran faham bercakap hantar
    menghantar seterusnya sekiranya manakala justeru sebarang apa-apa sesiapa tiada kerap
    sepatutnya ianya persekitaran pengelasan sesetengah perbezaan berbeza beza kesilapan hujah
    watak ralat emel penerangan riba mercu kejayaan berpasukan perbincangan impak penjagaan
    pemakanan idea semulajadi cetek asid tertunggak luruh imbas jenaka petikan berkongsi kongsi
    mesej pengaturcaraan aturcara tatasusunan rentetan pangkalan perisian carta elektrik kilang
    belanjawan duit akaun laluan skrin kekunci tetikus kod imej projek matematik fizik kitar haiwan
    salji tasik bilik tingkap kerusi almari kasut seluar beg kecekapan cekap teruk risau bimbang
    penat petang esok sejuk oren mengira pendaraban perpuluhan nisbah bulatan jejari lilitan
    isipadu pemboleh isih isihkan pengiraan rekod aksara erti inggeris perancis sepanyol itali
    jepun eropah kristian pensyarah peperiksaan matlamat keburukan kos cukai pelaburan jawatan
    mesyuarat bengkel persidangan majlis sukan jurulatih jurutera jururawat kakitangan pengurus
    pengurusan mahkamah peguam jenayah tentera rawatan pesakit senaman minda jiran datuk sedemikian
    berkenaan berhampiran bilakah
    """
)
INDONESIAN_WORDS = _word_set(
    """
    bisa karena uang pemerintah bahwa yaitu yakni sesudah gratis mau coba kendaraan layanan
    perusahaan informasi mobil silakan kalimat tabel menjelaskan identifikasi anak-anak laki-laki
    pria menit persen miliar universitas dokter telepon televisi film musik kualitas aktivitas
    komunitas identitas kantor bus taksi ilmuwan bisnis toko obat kesehatan sehat lezat resep libur
    pariwisata wisatawan wisata istri sulit metode penelitian dampak efek jawaban paragraf judul
    nomor hitung rata-rata meskipun memungkinkan mengurangi membutuhkan menciptakan mengandung
    berisi dibandingkan klasifikasikan rangkum rangkuman perbaiki buatlah desain sarankan saran
    diskusikan gambarkan deskripsikan pikir berpikir pikiran paham kirim mengirim selanjutnya kapan
    lingkungan klasifikasi perbedaan berbeda beda kelompok tim sukses kesuksesan keberhasilan
    berbagi bagikan pesan lelucon asam kutipan argumen pemrograman perangkat situs listrik pabrik
    energi akun sandi unduh kode citra proyek matematika fisika polusi daur hewan pohon salju danau
    kamar jendela kursi lemari sepatu celana tas efisiensi khawatir capek sore besok kemarin dingin
    oranye menghitung perkalian desimal rasio lingkaran keliling variabel urutkan perhitungan
    karakter arti inggris prancis spanyol italia jepang serikat tiongkok eropa kristen siswa
    mahasiswa dosen prediksi biaya pajak investasi karyawan wawancara lokakarya konferensi olahraga
    insinyur perawat manajer manajemen pengadilan pengacara tentara pengobatan pasien gizi tetangga
    lansia kakek
    """
)
# Words of one standard that the other also uses in another sense or register (Indonesian
# *kereta* is a train, *kerajaan* a kingdom; Malay says *baik-baik saja* and *ibu kota*):
# evidence, but half as strong.
MALAY_WEAK_WORDS = _word_set(
    """
    kereta kerajaan pasukan lelaki daripada kesan kumpulan kira tolak semula mesti patut cuti sedap kajian semasa apabila supaya walaupun bandar
    """
)
INDONESIAN_WEAK_WORDS = _word_set(
    """
    saja kota layar teman alami ubah pertanyaan sebutkan berbicara kejahatan jaringan efisien berbagai misalnya periksa bahas daftar
    """
)
WEAK_WEIGHT = 0.5
# Two-word expressions whose parts alone are common to both languages.
MALAY_PHRASES = (
    "kenal pasti", "oleh itu", "alam sekitar", "warga emas", "ibu bapa", "kata laluan",
    "muat turun", "laman web", "sama ada", "lapangan terbang", "kapal terbang", "reka bentuk",
    "temu duga", "komputer riba",
)  # fmt: skip
INDONESIAN_PHRASES = (
    "rumah sakit", "sepak bola", "negara bagian", "basis data", "orang tua", "situs web",
    "bandar udara", "pesawat terbang", "apa pun", "tidak ada", "oleh karena itu",
)  # fmt: skip
_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")
# Enough text to find the marker words; longer fields add cost, not evidence.
SCAN_CHARS = 1000


def malay_score(text: str) -> float:
    """Malay evidence minus Indonesian evidence (> 0 leans Malay, < 0 Indonesian, 0 a tie)."""
    head = text[:SCAN_CHARS].lower()
    score = float(sum(phrase in head for phrase in MALAY_PHRASES))
    score -= sum(phrase in head for phrase in INDONESIAN_PHRASES)
    for word in _WORDS.findall(head):
        score += _WEIGHTS.get(word, 0.0)
    return score


_WEIGHTS: dict[str, float] = {
    **{word: 1.0 for word in MALAY_WORDS},
    **{word: WEAK_WEIGHT for word in MALAY_WEAK_WORDS},
    **{word: -1.0 for word in INDONESIAN_WORDS},
    **{word: -WEAK_WEIGHT for word in INDONESIAN_WEAK_WORDS},
}
