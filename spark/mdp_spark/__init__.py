"""Kafka (Debezium, Confluent-framed Avro) → Delta Lake on S3: the platform's Spark job."""
