//! `geomention eval` as a user runs it: on a gold file the test writes, with
//! figures worked out by hand, on a broken gold file, and on the first 50
//! articles of LGL (ignored unless asked for: LGL is in `../shared`). It
//! checks the figures eval reports, not how good the geoparser is.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{geomention, shared};

fn write_gold(dir: &Path, lines: &[&str]) -> PathBuf {
    let path = dir.join("gold.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("temp dir is writable");
    path
}

fn eval_json(args: &[&str]) -> Value {
    let out = geomention()
        .arg("eval")
        .args(args)
        .arg("--json")
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).expect("--json prints JSON")
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-3)
}

/// "Kyiv" twice (only the first annotated), "Kharkiv" annotated one degree
/// of latitude north of GeoNames' point, and a lower-case "bank" annotated
/// as a place that no geoparser of capitalized names finds.
const TINY: &str = r#"{"id": "tiny", "text": "Officials in Kyiv said shelling hit Kharkiv again. A flood hit the bank. Kyiv sent help.", "toponyms": [{"start": 13, "end": 17, "name": "Kyiv", "lat": 50.45466, "lon": 30.5238, "geonameid": 703448}, {"start": 36, "end": 43, "name": "Kharkiv", "lat": 50.98177, "lon": 36.25475, "geonameid": 706483}, {"start": 67, "end": 71, "name": "bank", "lat": 0.0, "lon": 0.0}]}"#;

#[test]
fn figures_of_a_tiny_gold_file_match_the_hand_computed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write_gold(dir.path(), &[TINY]);
    let r = eval_json(&[gold.to_str().unwrap()]);
    // Predicted: Kyiv, Kharkiv, Kyiv. TP 2 (Kyiv, Kharkiv), FP 1 (the second
    // Kyiv), FN 1 (bank): P = R = F1 = 2/3, exact and overlapping alike.
    assert_eq!(r["articles"], 1);
    assert_eq!(r["gold_toponyms"], 3);
    assert_eq!(r["predicted_mentions"], 3);
    for kind in ["exact", "overlap"] {
        let k = &r[kind];
        assert_eq!(
            (
                &k["true_positives"],
                &k["false_positives"],
                &k["false_negatives"]
            ),
            (&Value::from(2), &Value::from(1), &Value::from(1)),
            "{kind}: {k}"
        );
        assert!(close(&k["precision"], 2.0 / 3.0) && close(&k["recall"], 2.0 / 3.0));
        assert!(close(&k["f1"], 2.0 / 3.0));
    }
    // Errors: Kyiv 0 km; Kharkiv one degree of latitude, 6371.0088 km · π/180
    // = 111.195 km. Both under 161 km: accuracy 1. Mean = median = 55.598 km.
    // AUC: trapezoid of ln(1 + 0) = 0 and ln(112.195) = 4.72024 is 2.36012,
    // over (2 - 1) · ln 20039 = 9.90544: 0.23827.
    let res = &r["resolution"];
    assert_eq!(res["scored"], 2);
    assert_eq!(res["within_161km"], 2);
    assert!(close(&res["accuracy_161km"], 1.0));
    assert!(close(&res["mean_error_km"], 55.598));
    assert!(close(&res["median_error_km"], 55.598));
    assert!(close(&res["auc"], 0.23827));
    assert_eq!(
        (&r["same_geonameid"], &r["with_geonameid"]),
        (&Value::from(2), &Value::from(2))
    );
}

#[test]
fn errors_lists_each_false_positive_and_negative_with_context() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write_gold(dir.path(), &[TINY]);
    let out = geomention()
        .args(["eval", gold.to_str().unwrap(), "--errors"])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout.contains("FN\ttiny\t1\t\"bank\"") && stdout.contains("the [[bank]]. Kyiv"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FP\ttiny\t1\t\"Kyiv\"\t-> Kyiv (703448;"),
        "{stdout}"
    );
    assert!(stdout.contains("accuracy@161km"), "{stdout}");
}

#[test]
fn a_span_that_does_not_spell_its_name_fails_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = r#"{"id": "b", "text": "Shelling hit Kharkiv.", "toponyms": [{"start": 12, "end": 19, "name": "Kharkiv", "lat": 50.0, "lon": 36.2}]}"#;
    let gold = write_gold(dir.path(), &[TINY, bad]);
    let out = geomention()
        .args(["eval", gold.to_str().unwrap()])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("gold.jsonl:2:"), "{stderr}");
    assert!(stderr.contains("text[12:19] is \" Kharki\""), "{stderr}");
}

#[test]
fn limit_evaluates_only_the_first_articles() {
    let dir = tempfile::tempdir().unwrap();
    let gold = write_gold(dir.path(), &[TINY, TINY, "not json"]);
    let r = eval_json(&[gold.to_str().unwrap(), "--limit", "2"]);
    assert_eq!(r["articles"], 2);
    assert_eq!(r["gold_toponyms"], 6);
}

#[test]
#[ignore = "needs ../shared (eval/lgl.jsonl)"]
fn first_50_lgl_articles_give_sane_figures() {
    let lgl = shared("eval/lgl.jsonl");
    let r = eval_json(&[lgl.to_str().unwrap(), "--limit", "50"]);
    assert_eq!(r["articles"], 50);
    let gold = r["gold_toponyms"].as_u64().unwrap();
    let predicted = r["predicted_mentions"].as_u64().unwrap();
    assert!(gold > 300, "{gold} gold toponyms in 50 LGL articles");
    assert!(predicted > 0);
    for kind in ["exact", "overlap"] {
        let k = &r[kind];
        for f in ["precision", "recall", "f1"] {
            let x = k[f].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&x), "{kind} {f} = {x}");
        }
        let tp = k["true_positives"].as_u64().unwrap();
        assert_eq!(tp + k["false_negatives"].as_u64().unwrap(), gold);
        assert_eq!(tp + k["false_positives"].as_u64().unwrap(), predicted);
    }
    assert!(r["overlap"]["f1"].as_f64() >= r["exact"]["f1"].as_f64());
    let res = &r["resolution"];
    assert_eq!(res["scored"], r["overlap"]["true_positives"]);
    for f in ["accuracy_161km", "auc"] {
        let x = res[f].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{f} = {x}");
    }
    let (median, mean) = (
        res["median_error_km"].as_f64().unwrap(),
        res["mean_error_km"].as_f64().unwrap(),
    );
    assert!((0.0..=20040.0).contains(&median) && (0.0..=20040.0).contains(&mean));
}
