use espeak_ng::translate::{select_phoneme_table, Translator};
use espeak_ng::PhonemeData;
fn main() {
    let dir = narrator::engine::espeak::data_dir().unwrap();
    let t = Translator::new("en-us", Some(&dir)).unwrap();
    let mut ph = PhonemeData::load(&dir).unwrap();
    select_phoneme_table(&mut ph, &dir, "en-us").unwrap();
    let text = std::env::args().nth(1).unwrap();
    let codes = t.translate_to_codes(&text).unwrap();
    let mut s = String::new();
    for c in &codes {
        if c.is_boundary { s.push_str(&format!("|{}{:?} ", c.code, c.clause_char)); continue; }
        match ph.get(c.code) {
            Some(p) => { let m = p.mnemonic.to_le_bytes(); let m: String = m.iter().take_while(|b| **b != 0).map(|b| *b as char).collect(); s.push_str(&format!("{m}[{}:t{}:p{}] ", c.code, p.typ, p.program)); }
            None => s.push_str(&format!("?{} ", c.code)),
        }
    }
    println!("{s}");
    println!("{}", t.text_to_ipa(&text).unwrap());
}
