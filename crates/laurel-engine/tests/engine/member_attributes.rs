//! Member attributes: stored at enrollment, compared exactly by `member_attribute` conditions.

use super::*;

#[tokio::test]
async fn a_member_attribute_rule_grants_only_to_members_enrolled_with_that_attribute() {
    let rules = r#"
[[rules]]
id = "student_bonus"
name = "Student bonus"
effect = { percent = "20" }
conditions = [ { member_attribute = { key = "segment", value = "student" } } ]
"#;
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, with_rules(rules)).await;
        let student = EnrollRequest {
            attributes: [("segment".to_owned(), "student".to_owned())].into(),
            ..enroll_request("student")
        };
        let enrolled = engine.enroll(student).await.unwrap();
        let read = engine.member(&MemberRef::Id(enrolled.id.0)).await.unwrap();
        assert_eq!(
            read.profile.attributes, enrolled.profile.attributes,
            "[{name}]"
        );
        let other = member(&engine, "other").await;
        let graduate = EnrollRequest {
            attributes: [("segment".to_owned(), "Student".to_owned())].into(),
            ..enroll_request("graduate")
        };
        let graduate = engine.enroll(graduate).await.unwrap().id.0;
        let bought = buy(&engine, enrolled.id.0, "o-1", "50.00").await;
        assert_eq!(
            grants(&bought),
            vec![("base", 50, None), ("student_bonus", 10, None)],
            "[{name}]"
        );
        for (id, order) in [(other, "o-2"), (graduate, "o-3")] {
            let plain = buy(&engine, id, order, "50.00").await;
            assert_eq!(
                grants(&plain),
                vec![("base", 50, None)],
                "[{name}] exact match only"
            );
        }
        finish(name, engine).await;
    }
}

#[tokio::test]
async fn bad_member_attributes_are_refused_and_enroll_nothing() {
    for (name, db) in laurel_testkit::backends() {
        let engine = start(&db, program(&[])).await;
        let too_many = (0..=50)
            .map(|i| (format!("k{i}"), "v".to_owned()))
            .collect();
        let cases = [
            (too_many, "invalid_field"),
            ([(" ".to_owned(), "v".to_owned())].into(), "missing_field"),
            ([("k".to_owned(), "v".repeat(201))].into(), "invalid_field"),
        ];
        for (attributes, expected) in cases {
            let request = EnrollRequest {
                attributes,
                ..enroll_request("m")
            };
            assert_eq!(code(engine.enroll(request).await), expected, "[{name}]");
        }
        assert!(
            engine
                .member(&MemberRef::External("m".into()))
                .await
                .is_err(),
            "[{name}] nothing enrolled"
        );
        finish(name, engine).await;
    }
}
