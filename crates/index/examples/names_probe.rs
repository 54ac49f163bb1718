use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = Instant::now();
    let report = interdict_lists::formats::read(
        path.as_ref(),
        interdict_lists::formats::Format::Ftm,
        interdict_lists::Strictness::Lenient,
    )
    .unwrap();
    eprintln!("read {:?}", t.elapsed());
    let t = Instant::now();
    let idx = interdict_index::NameIndex::build(&report.dataset);
    eprintln!("build {:?} {:?}", t.elapsed(), idx);
    let ev = interdict_names::Evidence::default();
    if std::env::var_os("LOOP").is_some() {
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..std::env::var("LOOP").unwrap().parse::<usize>().unwrap() {
            for q in std::env::args().skip(2) {
                n += idx.search(&q, &ev, 0.8, 5).len();
            }
        }
        eprintln!("loop {:?} {n}", t.elapsed());
    }
    for q in std::env::args().skip(2) {
        let t = Instant::now();
        let (hits, stats) = idx.search_with_stats(&q, &ev, 0.8, 5);
        let el = t.elapsed();
        println!("{q}: {:?} {:?}", el, stats);
        for h in &hits {
            println!("   {:.3} {} {}", h.score, report.dataset.entities[h.entity].id, h.name);
        }
    }
}
